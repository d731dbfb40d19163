//! One behavioural suite, run against both storage backends: every test in `suite` is instantiated
//! once for SQLite and once for PostgreSQL (`MULU_TEST_DATABASE_URL`; required when `CI` is set).

mod fixtures;
mod suite;

macro_rules! for_each_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::suite::$test(crate::fixtures::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(env) = crate::fixtures::postgres().await {
                        crate::suite::$test(env).await;
                    }
                }
            )*
        }
    };
}

for_each_backend!(
    organizations_are_unique_by_uscc,
    resource_workflow_keeps_every_version,
    invalid_transitions_and_foreign_edits_are_refused,
    stale_if_match_is_a_conflict,
    rule1_negative_list_blocks_editions_and_scopes,
    rule1_category_entries_and_item_scopes,
    rule2_grade_limits_on_the_directory,
    rule3_agreement_term_limits_follow_the_jurisdiction,
    rule5_termination_and_expiry_close_access,
    rule6_rows_cannot_be_deleted_and_withdrawal_keeps_history,
    editions_are_frozen_and_diffable,
    preview_explains_every_refused_line_and_writes_nothing,
    signing_waits_for_the_publicity_period,
    public_views_hide_drafts_and_confidential_entries,
    the_most_viewed_entries_are_public_ones,
    every_write_is_audited_and_tampering_is_detected,
    concurrent_writers_keep_one_audit_chain,
    thirty_two_writers_lose_no_update,
    tokens_belong_to_people_who_revoke_their_own,
    no_person_holds_two_duties_and_nobody_grants_themselves,
    five_wrong_passwords_lock_until_a_security_admin_unlocks,
    sessions_live_in_the_database_and_end,
    duty_roles_need_a_second_factor_that_works_once,
    rule9_a_data_administration_acts_only_in_its_region,
    product_registration_runs_to_a_query_code,
    upheld_objection_terminates_and_supplement_restarts_the_clock,
    rule4_products_need_scope_and_review,
    rule5_termination_flags_registrations_and_blocks_new_ones,
    what_uses_a_resource_follows_every_write,
    a_notice_runs_its_publicity_and_ends_with_its_outcome,
    restricted_negative_entries_allow_use_under_their_conditions,
    a_negative_list_entry_binds_its_own_region_only,
    a_scope_is_drawn_from_the_current_operation_directory,
    deadlines_in_provisional_or_unknown_years_are_reported,
    the_registrant_reads_its_own_applications_and_withdraws_before_coding,
    a_failed_product_is_revised_and_reviewed_again_or_withdrawn,
    holders_owe_a_first_registration_within_twenty_working_days,
    the_public_objects_to_an_operator_selection_during_its_publicity,
    an_upheld_objection_annuls_the_selection,
    the_public_objects_to_a_developer_admission,
    an_agreement_states_what_n14_requires_and_is_filed_in_time,
    a_suspension_closes_access_until_rectified,
    a_scope_change_is_a_new_agreement_version_from_the_directory,
    access_refusals_say_whether_access_closed_or_never_was,
    operation_starts_only_inside_the_term,
    product_prices_follow_their_scene,
    applications_need_their_materials_and_may_be_refused_with_a_reason,
    renewal_follows_the_jurisdiction_window_and_term_limit,
    a_closed_authorization_records_destruction_evaluations_and_reports,
    the_full_authorization_record_is_for_its_operator_administration_and_auditors,
    a_timely_renewal_application_keeps_the_result_until_renewed,
    an_approved_demand_grants_its_resources_until_its_day,
    an_announcement_states_its_terms_and_selection_needs_the_qualifications,
    demands_need_published_unlisted_resources_and_stay_private,
    quality_feedback_goes_through_the_implementing_body,
    feed_sees_every_change_once_under_concurrent_writers,
    cancellation_applications_complete_within_ten_working_days,
    changes_and_corrections_make_new_versions,
    interested_parties_ask_for_corrections_the_registrar_decides,
    listings_need_coded_registrations_and_stay_with_their_exchange,
    samples_are_limited_hashed_and_public_once_registered,
    webhook_deliveries_are_queued_once_claimed_once_and_retried,
    disclosures_are_published_corrected_and_listed_publicly,
    disclosure_obligations_follow_authorizations_in_force,
    batch_import_stores_every_row_version_and_audit_event,
    batch_import_is_all_or_nothing,
    fed_import_writes_while_rows_arrive_and_rolls_back_without_commit,
);
