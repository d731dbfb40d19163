//! Domain values that parse, and entities with their pure state transitions.

/// The OpenAPI schema of a string newtype: its pattern (the check character is verified by
/// `parse`, which no pattern can express), an example and a Chinese description.
macro_rules! string_schema {
    ($name:ident, $pattern:literal, $example:literal, $description:literal) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some($pattern))
                    .examples([$example])
                    .description(Some($description))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use string_schema;

pub mod api_token;
pub mod authorization;
pub mod check_char;
pub mod classification;
pub mod content_diff;
pub mod demand;
pub mod developer;
pub mod disclosure;
pub mod edition;
pub mod feedback;
pub mod identity;
pub mod industry;
pub mod invalid;
pub mod listing;
pub mod negative_list;
pub mod objection;
pub mod organization;
pub mod person;
pub mod product;
pub mod query_code;
pub mod region;
pub mod region_names;
pub mod registration;
pub mod resource;
pub mod resource_code;
pub mod sample;
pub mod text;
pub mod unique;
pub mod uscc;
pub mod webhook;

// Parts of the authorization and registration aggregates, by their short paths.
pub use authorization::agreement;
pub use registration::{amendment, correction};

/// An enum value from the code it is stored and sent as (`"data_admin"` → `OrgKind::DataAdmin`);
/// `None` for any other text. Pages, the index's labels and the command line all read codes so.
pub fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(code)).ok()
}

pub use classification::{Grade, GradeLevel, OpenType, ShareType, UpdateFrequency};
pub use invalid::InvalidValue;
pub use query_code::QueryCode;
pub use region::{RegionCode, RegionLevel};
pub use resource_code::ResourceCode;
pub use uscc::Uscc;
