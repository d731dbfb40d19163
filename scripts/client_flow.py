"""The full provider → admin → operator → registrar → exchange flow, driven only through a client
that openapi-python-client generated from the committed openapi/openapi.json (issue 5).

Run by scripts/client-flow.sh, which generates the client and builds `mulu`. The server's working
day is moved by restarting it on the same data directory with MULU_TODAY (publicity periods are
working-day clocks). A webhook receiver checks the HMAC signature independently of Mulu's code.
"""

import atexit
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from uuid import UUID

import httpx

from mulu_client import AuthenticatedClient, Client
from mulu_client.api.admin import (
    announce,
    authorization_step,
    publish_edition,
    register_organization,
    review_product,
    select_operator,
    sign_agreement,
)
from mulu_client.api.public import (
    get_resource,
    object_to_registration,
    product_listings,
    public_products,
    publicity,
    verify_code,
)
from mulu_client.api.registration import (
    apply_for_authorization,
    create_product,
    decide_objection,
    exchange_feed,
    issue_code,
    register_webhook,
    registrar_step,
    report_listing,
    submit_registration,
    webhook_deliveries,
)
from mulu_client.api.search import search_all
from mulu_client.api.workspace import create_resource, directory_template_xlsx, resource_step
from mulu_client.models import (
    AgreementTerms,
    CodeRequest,
    AuthorizationStep,
    EditionRequest,
    NewAuthorization,
    NewEndpoint,
    NewListing,
    NewObjection,
    NewOrganization,
    NewProduct,
    NewRegistration,
    NewResource,
    ObjectionDecision,
    OperatorApplication,
    OperatorChoice,
    Problem,
    RegistrarStep,
    ReviewFinding,
    ResourceStep,
    SearchAnswer,
    SearchSort,
)

MULU = sys.argv[1]
DATA = tempfile.mkdtemp(prefix="mulu-client-flow-")
SECRET = "exchange-shared-secret-0123456789"
checks = 0


def check(condition, message):
    global checks
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    checks += 1


def ok(response):
    """The parsed body of a 2xx answer; anything else stops the flow with the problem."""
    check(
        200 <= response.status_code < 300 and not isinstance(response.parsed, Problem),
        f"{response.status_code}: {response.content.decode(errors='replace')}",
    )
    return response.parsed


def mulu(*args):
    out = subprocess.run(
        [MULU, *args, "--data-dir", DATA], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mulu serve` on a given day; restarted to move the working-day clock."""

    def __init__(self, today):
        self.port = free_port()
        env = dict(os.environ, MULU_TODAY=today)
        self.process = subprocess.Popen(
            [
                MULU,
                "serve",
                "--data-dir",
                DATA,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--webhook-poll-ms",
                "100",
                "--webhook-retry-base-ms",
                "200",
                # The receiver is on loopback: only this switch lets endpoints point there.
                "--webhook-allow-private-targets",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # A failed check exits mid-flow: the server must not outlive the script.
        atexit.register(self.process.kill)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/readyz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise SystemExit("FAILED: the server did not become ready")

    def client(self, token=None):
        if token is None:
            return Client(base_url=self.url, raise_on_unexpected_status=True)
        return AuthenticatedClient(
            base_url=self.url, token=token, raise_on_unexpected_status=True
        )

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Receiver(http.server.BaseHTTPRequestHandler):
    """The exchange's webhook endpoint: verifies `Mulu-Signature: t=…,v1=…` itself."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(p.split("=", 1) for p in self.headers["Mulu-Signature"].split(","))
        expected = hmac.new(
            SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        valid = hmac.compare_digest(expected, parts["v1"])
        Receiver.received.append((valid, json.loads(body)))
        self.send_response(200 if valid else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()

    # Bootstrap: the data administration and every token come from the CLI; the rest is API.
    admin_org = mulu("org", "create", "--uscc", "11510000000000001L", "--name", "省数据局",
                     "--region", "510000", "--kind", "data_admin")
    admin_token = mulu("token", "create", "--org", "11510000000000001L",
                       "--role", "data_admin", "--name", "flow")

    s = Server("2026-08-03")
    # The document the server serves is valid OpenAPI 3.1 (the generator read the committed one;
    # tests/e2e/openapi.rs keeps the two equal).
    from openapi_spec_validator import validate
    validate(httpx.get(f"{s.url}/api/v1/openapi.json").json())
    check(True, "the served document is valid OpenAPI")
    admin = s.client(admin_token)
    tokens = {}
    for uscc, name, region, kind in [
        ("11510500000000002H", "市交通局", "510500", "provider"),
        ("91510500000000003C", "出行数据公司", "510500", "operator"),
        ("12510000000000004T", "省登记中心", "510000", "registrar"),
        ("91510000000000005Q", "省数据交易所", "510000", "exchange"),
    ]:
        org = ok(register_organization.sync_detailed(client=admin, body=NewOrganization.from_dict(
            {"uscc": uscc, "name": name, "region": region, "kinds": [kind]})))
        check(str(org.uscc) == uscc, "the organization is registered")
        # Credentials are never minted by a data administration: each organization's interface
        # account gets its token from the command line (a person would issue their own).
        tokens[kind] = mulu("token", "create", "--org", uscc, "--role", kind,
                            "--name", f"{kind}-flow")

    # Provider drafts and submits; the administration approves and publishes.
    provider = s.client(tokens["provider"])
    resource = ok(create_resource.sync_detailed(client=provider, body=NewResource.from_dict({"content": {
        "name": "公交刷卡日汇总", "summary": "全市公交刷卡按日汇总", "grade": {"level": "一般数据"},
        "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每日"}})))
    check(get_resource.sync_detailed(resource.id, client=s.client()).status_code == 404,
          "a draft is not public")
    ok(resource_step.sync_detailed(resource.id, ResourceStep.SUBMIT, client=provider))
    for action in (ResourceStep.APPROVE, ResourceStep.PUBLISH):
        ok(resource_step.sync_detailed(resource.id, action, client=admin))
    ok(get_resource.sync_detailed(resource.id, client=s.client()))

    # The operation directory lists it: an authorization's scope is drawn from it (C 6.2).
    edition = ok(publish_edition.sync_detailed(client=admin, body=EditionRequest.from_dict(
        {"title": "运营目录", "lines": [{"resource_id": str(resource.id)}]})))
    check(edition.lines[0].resource_id == resource.id, "the edition lists the resource")

    # Authorization: announce, the operator applies, selection, publicity, signing, activation.
    operator = s.client(tokens["operator"])
    auth = ok(announce.sync_detailed(client=admin, body=NewAuthorization.from_dict({
        "plan_name": "交通数据授权运营", "implementing_body_id": str(admin_org),
        "mode": "依场景授权", "operator_type": "场景", "scope_description": "公交出行",
        "resource_ids": [str(resource.id)], "term_start": "2026-09-01",
        "term_end": "2028-12-31", "platform": "省授权运营平台",
        "announcement": {"selection_method": "遴选", "application_conditions": "符合资格条件",
                         "review_process": "材料审查、专家评审", "review_criteria": "安全与技术能力",
                         "applications_close_on": "2026-08-31"}})))
    # C 8.2 / C 7.2: the application declares every condition, with its materials.
    applied = ok(apply_for_authorization.sync_detailed(auth.id, client=operator, body=OperatorApplication.from_dict({
        "declarations": ["no_security_incidents", "no_penalties", "security_organization",
                         "protection_level_three", "technical_capability", "data_security_capability"],
        "materials": ["授权运营申请书"]})))
    ok(select_operator.sync_detailed(auth.id, client=admin,
                            body=OperatorChoice.from_dict({"operator_id": str(applied.applicants[0])})))
    # The service's clock dates each step: publicity from 08-03, signed and active on 09-01.
    publicized = ok(authorization_step.sync_detailed(auth.id, AuthorizationStep.PUBLICIZE, client=admin))
    check(str(publicized.publicity_start) == "2026-08-03", "publicity starts on the server's day")
    s.stop()
    s = Server("2026-09-01")
    admin, operator = s.client(admin_token), s.client(tokens["operator"])
    # The agreement states what N 14 asks, with the signed document's hash.
    terms = {"number": "授权协议〔2026〕1号", "document": {
        "name": "授权运营协议.pdf", "sha256": hashlib.sha256(b"agreement").hexdigest()}}
    for clause in ("products_and_standards", "asset_ownership", "disclosure_duties",
                   "accounting_and_revenue", "security_duties", "evaluation_and_exit",
                   "liability", "dispute_resolution", "change_and_termination"):
        terms[clause] = "按协议约定"
    signed = ok(sign_agreement.sync_detailed(auth.id, client=admin, body=AgreementTerms.from_dict(terms)))
    check(signed.agreements[0].version == 1, "the agreement is version 1")
    ok(authorization_step.sync_detailed(auth.id, AuthorizationStep.ACTIVATE, client=admin))

    # The operator's product; compliance review by the administration.
    product = ok(create_product.sync_detailed(client=operator, body=NewProduct.from_dict({
        "name": "出行指数", "summary": "出行指数接口", "delivery_form": "数据接口",
        "authorization_id": str(auth.id), "source_resource_ids": [str(resource.id)],
        "applicable_scenarios": ["交通规划"], "forbidden_scenarios": ["个人行踪追踪"],
        "scene_category": "产业发展、行业发展", "price_fen": 50000, "ceiling_fen": 80000})))
    ok(review_product.sync_detailed(product.id, client=admin, body=ReviewFinding.from_dict(
        {"passed": True, "report_ref": "合规报告"})))

    # The exchange registers its webhook endpoint before anything is coded.
    exchange = s.client(tokens["exchange"])
    endpoint = ok(register_webhook.sync_detailed(client=exchange, body=NewEndpoint.from_dict(
        {"url": f"http://127.0.0.1:{receiver.server_address[1]}/hook", "secret": SECRET})))
    s.stop()

    # Registration: applied 09-21, accepted 09-22, publicized 09-29 (09-30 … 10-19).
    s = Server("2026-09-21")
    registration = ok(submit_registration.sync_detailed(client=s.client(tokens["operator"]), body=NewRegistration.from_dict({
        "subject": {"type": "product", "product_id": str(product.id)}, "kind": "首次登记",
        "materials": {"registrant_info": "出行数据公司", "legal_source": "授权运营协议",
                      "resource_info": "公交刷卡日汇总", "evidence_ref": "存证-0001",
                      "evidence_on": "2026-09-01", "product_info": "出行指数接口",
                      "scenario_info": "交通规划", "risk_assessment": "风险可控"}})))
    check(str(registration.acceptance_due) == "2026-09-24", "accepted within 3 working days")
    s.stop()
    for day, action in [("2026-09-22", RegistrarStep.ACCEPT), ("2026-09-29", RegistrarStep.PUBLICIZE)]:
        s = Server(day)
        ok(registrar_step.sync_detailed(registration.id, action, client=s.client(tokens["registrar"])))
        s.stop()

    # 10-09: an anonymous, real-name objection during publicity; 10-14: dismissed.
    s = Server("2026-10-09")
    notices = ok(publicity.sync_detailed(client=s.client()))
    check([n.id for n in notices.items] == [registration.id], "the notice is public")
    filed = ok(object_to_registration.sync_detailed(registration.id, client=s.client(), body=NewObjection.from_dict({
        "objector_name": "李四", "objector_id_number": "510502199001010018",
        "contact": "13900000000", "grounds": "产品包含未授权数据", "evidence": ["证据材料-1"]})))
    s.stop()
    s = Server("2026-10-14")
    ok(decide_objection.sync_detailed(registration.id, client=s.client(tokens["registrar"]),
                                      body=ObjectionDecision.from_dict({
                                          "objection_id": str(filed.objection_id), "upheld": False,
                                          "decision": "经复核，异议不成立"})))
    s.stop()

    # 10-27: publicity has run its course; the registrar codes it.
    s = Server("2026-10-27")
    coded = ok(issue_code.sync_detailed(registration.id, client=s.client(tokens["registrar"]),
                                        body=CodeRequest.from_dict({})))
    check(coded.status.value == "coded" and coded.objection_flag, "coded, with the objection flag")
    code = coded.query_code

    # The exchange: the feed, the code verified, a listing reported, the signed webhook.
    exchange = s.client(tokens["exchange"])
    page = ok(exchange_feed.sync_detailed(client=exchange, after=0))
    check([i.action for i in page.items] == ["registration.issue_code"], "the feed has the coding once")
    check(ok(exchange_feed.sync_detailed(client=exchange, after=page.next_)).items == [], "and nothing after it")
    verified = ok(verify_code.sync_detailed(code, client=s.client()))
    check(verified.well_formed and verified.valid, "the query code verifies")
    ok(report_listing.sync_detailed(client=exchange, body=NewListing.from_dict({
        "registration_id": str(registration.id), "listing_ref": "GP-2026-0001", "price_fen": 50000})))
    listed = ok(product_listings.sync_detailed(product.id, client=s.client()))
    check([l.listing_ref for l in listed] == ["GP-2026-0001"], "the listing is public")
    check([p.name for p in ok(public_products.sync_detailed(client=s.client())).items] == ["出行指数"],
          "the registered product is public")
    # Search through the generated client (issue 29: the document once dropped it).
    for _ in range(50):  # the index follows the database within about a second
        found = ok(search_all.sync_detailed(client=s.client(), q="出行指数", sort=SearchSort.UPDATED))
        if any(h.title == "出行指数" for h in found.hits):
            break
        time.sleep(0.2)
    check(isinstance(found, SearchAnswer) and found.places == [] and any(h.title == "出行指数" for h in found.hits),
          "the registered product is found by search")
    check(all(h.updated_at.tzinfo is not None for h in found.hits), "hit times are RFC 3339")
    template = directory_template_xlsx.sync_detailed(client=s.client())
    check(template.status_code == 200 and template.content[:2] == b"PK",
          "the xlsx template arrives as bytes (a zip)")
    for _ in range(100):
        if Receiver.received:
            break
        time.sleep(0.1)
    check(len(Receiver.received) == 1 and Receiver.received[0][0], "one webhook, correctly signed")
    log = ok(webhook_deliveries.sync_detailed(endpoint.id, client=exchange))
    check([d.status.value for d in log.items] == ["delivered"], "the delivery log says delivered")
    s.stop()
    print(f"client flow: {checks} checks passed through the generated client")


if __name__ == "__main__":
    main()
