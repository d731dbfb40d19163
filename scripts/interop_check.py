"""Issue 6 export check, run by scripts/interop-check.sh against a running demo server.

1. DCAT-AP 3: every page of /catalog.ttl (followed through hydra:next) and of /catalog.jsonld is
   validated with pyshacl against ../shared/dcat-ap/shapes.ttl + range.ttl: 0 violations; against
   shapes_recommended.ttl, warnings only for what Mulu holds no data for (NOT_HELD); every IRI of
   Mulu's own in it dereferences as HTML and Turtle, and an unsupported Accept is a 406. The
   catalog holds at least one registered product (a dcat:Dataset whose dct:type is the
   {base}/vocab/kind/product concept), and each product's own /datasets/{id}.ttl and .jsonld are
   validated too.
2. CKAN: `ckanapi dump datasets --all` reads as many packages as package_list names; a harvester
   style walk (package_search start/rows/sort=id asc) and an incremental walk
   (fq=metadata_modified:[T TO *]) read the catalog completely, without duplicates; package_show
   and package_search (the walk, fq=owner_org, q=title) return every registered product.
Exits non-zero on the first failure.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

import ckanapi
import pyshacl
import rdflib
import requests

BASE = sys.argv[1].rstrip("/")
SHAPES_DIR = sys.argv[2]
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
# Resources and registered products are both dcat:Dataset; dct:type tells them apart.
KIND_PRODUCT = rdflib.URIRef(f"{BASE}/vocab/kind/product")


def get(url, **kwargs):
    """GET as a polite client does: a 429 is waited out for its Retry-After, then retried."""
    for _ in range(30):
        r = requests.get(url, timeout=60, **kwargs)
        if r.status_code != 429:
            return r
        time.sleep(int(r.headers.get("Retry-After", "1")))
    return r


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def shapes_graph():
    g = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl"):
        g.parse(os.path.join(SHAPES_DIR, name), format="turtle")
    return g


def walk_catalog(ext, fmt, page_size):
    """All pages of /catalog.{ext}, following hydra:next; returns (merged graph, pages, total)."""
    url = f"{BASE}/catalog.{ext}?page=1&page_size={page_size}"
    merged = rdflib.Graph()
    pages, total, seen = 0, None, set()
    while url:
        if url in seen:
            fail(f"hydra:next loops back to {url}")
        seen.add(url)
        r = get(url)
        if r.status_code != 200:
            fail(f"GET {url} -> {r.status_code}: {r.text[:300]}")
        g = rdflib.Graph()
        g.parse(data=r.content, format=fmt, publicID=url)
        pages += 1
        merged += g
        total = int(next(g.objects(None, HYDRA.totalItems)))
        views = list(g.subjects(rdflib.RDF.type, HYDRA.PartialCollectionView))
        if len(views) != 1:
            fail(f"{url}: expected one hydra:PartialCollectionView, found {len(views)}")
        nxt = list(g.objects(views[0], HYDRA.next))
        url = str(nxt[0]) if nxt else None
    return merged, pages, total


def violations(data, shapes):
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, meta_shacl=False
    )
    count = len(list(results.subjects(SH.resultSeverity, SH.Violation)))
    return conforms, count, _text


def products_in(graph):
    """Dataset IRIs of the registered products in a graph."""
    return {ds for ds in graph.subjects(rdflib.RDF.type, DCAT.Dataset)
            if (ds, rdflib.DCTERMS.type, KIND_PRODUCT) in graph}


def check_dcat(shapes, page_size):
    """Returns the catalog's total and the ids of its registered products."""
    products = None
    for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
        graph, pages, total = walk_catalog(ext, fmt, page_size)
        datasets = set(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
        conforms, count, text = violations(graph, shapes)
        print(f"DCAT /catalog.{ext}: {pages} pages, {len(datasets)} datasets "
              f"(hydra:totalItems {total}), {len(graph)} triples, SHACL violations: {count}",
              flush=True)
        if count or not conforms:
            print(text[:4000])
            fail(f"/catalog.{ext} has {count} SHACL violations")
        if len(datasets) != total:
            fail(f"/catalog.{ext}: {len(datasets)} datasets but totalItems {total}")
        zh_titles = [t for t in graph.objects(None, rdflib.DCTERMS.title)
                     if isinstance(t, rdflib.Literal) and t.language == "zh"]
        if len(zh_titles) < len(datasets):
            fail(f"/catalog.{ext}: fewer @zh titles than datasets")
        found = products_in(graph)
        print(f"DCAT /catalog.{ext}: registered products: {len(found)}", flush=True)
        if not found:
            fail(f"/catalog.{ext} has no registered product (dct:type {KIND_PRODUCT})")
        if products is not None and found != products:
            fail(f"/catalog.{ext} lists other products than /catalog.ttl")
        products = found
        if ext == "ttl":
            check_recommended(graph)
            check_dereferencing(graph)
    prefix = f"{BASE}/datasets/"
    ids = sorted(str(p)[len(prefix):] for p in products if str(p).startswith(prefix))
    if len(ids) != len(products):
        fail(f"product dataset IRIs outside {prefix}: {sorted(products)}")
    return total, ids


# DCAT-AP's recommended properties that Mulu holds no data for, as (class, property): README,
# "DCAT-AP 3", says why. Any other recommended property missing fails the check.
NOT_HELD = {
    ("http://purl.org/dc/terms/Location", "http://www.w3.org/ns/dcat#bbox"),
    ("http://purl.org/dc/terms/Location", "http://www.w3.org/ns/dcat#centroid"),
    ("http://www.w3.org/ns/dcat#Dataset", "http://purl.org/dc/terms/temporal"),
    ("http://www.w3.org/ns/dcat#Dataset", "http://www.w3.org/ns/dcat#theme"),
    ("http://www.w3.org/ns/dcat#Dataset", "http://www.w3.org/ns/dcat#keyword"),
}


def check_recommended(graph):
    """pyshacl against shapes_recommended.ttl: warnings only for the data Mulu does not hold."""
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        shapes.parse(os.path.join(SHAPES_DIR, name), format="turtle")
    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", abort_on_first=False, meta_shacl=False
    )
    counts = {}
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = str(results.value(result, SH.resultPath))
        severity = results.value(result, SH.resultSeverity)
        if severity == SH.Violation:
            fail(f"recommended shapes: violation at {focus} {path}")
        classes = sorted(str(c) for c in graph.objects(focus, rdflib.RDF.type))
        held = [c for c in classes if (c, path) in NOT_HELD]
        key = (held[0] if held else ",".join(classes), path)
        counts[key] = counts.get(key, 0) + 1
    unexpected = {k: n for k, n in counts.items() if k not in NOT_HELD}
    for (cls, path), n in sorted(counts.items()):
        print(f"DCAT recommended: {n} x {cls} without {path}", flush=True)
    if unexpected:
        fail(f"recommended properties Mulu holds data for are missing: {unexpected}")


def check_dereferencing(graph):
    """Every IRI of Mulu's own in the catalog opens: a page for people, RDF for machines."""
    iris = set()
    for s, _p, o in graph:
        for node in (s, o):
            if isinstance(node, rdflib.URIRef) and str(node).startswith(BASE + "/"):
                iris.add(str(node).split("#")[0])
    for iri in sorted(iris):
        for accept in ("text/html", "text/turtle"):
            r = get(iri, headers={"Accept": accept})
            if r.status_code != 200:
                fail(f"{iri} as {accept} -> {r.status_code}")
    r = get(f"{BASE}/catalog", headers={"Accept": "application/pdf"})
    if r.status_code != 406:
        fail(f"/catalog with an Accept nothing offered fits -> {r.status_code}, not 406")
    print(f"DCAT: {len(iris)} IRIs of Mulu's own dereference (HTML and Turtle)", flush=True)


def check_product_documents(shapes, ids):
    """Each registered product's own DCAT document: valid, and typed as a product."""
    for id_ in ids:
        for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
            url = f"{BASE}/datasets/{id_}.{ext}"
            r = get(url)
            if r.status_code != 200:
                fail(f"GET {url} -> {r.status_code}: {r.text[:300]}")
            g = rdflib.Graph().parse(data=r.content, format=fmt, publicID=url)
            conforms, count, text = violations(g, shapes)
            print(f"DCAT /datasets/{id_}.{ext} (registered product): {len(g)} triples, "
                  f"SHACL violations: {count}", flush=True)
            if count or not conforms:
                print(text[:4000])
                fail(f"{url} has {count} SHACL violations")
            if products_in(g) != {rdflib.URIRef(f"{BASE}/datasets/{id_}")}:
                fail(f"{url} does not describe product {id_} as a dcat:Dataset of kind product")


def parse_ckan_time(raw):
    return datetime.fromisoformat(raw).replace(tzinfo=timezone.utc)


def check_ckan_products(ckan, ids, names, walked):
    """package_show and package_search return every registered product of the DCAT export."""
    walked_ids = {p["id"] for p in walked}
    for id_ in ids:
        pkg = ckan.action.package_show(id=id_)
        extras = {e["key"]: e["value"] for e in pkg["extras"]}
        if pkg["id"] != id_ or extras.get("mulu_kind") != "product":
            fail(f"package_show {id_}: id {pkg['id']}, mulu_kind {extras.get('mulu_kind')!r}")
        if pkg["name"] not in names or id_ not in walked_ids:
            fail(f"product {pkg['name']} missing from package_list or the package_search walk")
        if ckan.action.package_show(id=pkg["name"])["id"] != id_:
            fail(f"package_show by name {pkg['name']} is not product {id_}")
        by_org = ckan.action.package_search(fq=f"owner_org:{pkg['owner_org']}", rows=1000)
        if id_ not in {p["id"] for p in by_org["results"]}:
            fail(f"package_search fq=owner_org:{pkg['owner_org']} misses product {id_}")
        # The search index is built in the background after start: give it a moment.
        for _ in range(60):
            hits = ckan.action.package_search(q=pkg["title"], rows=100)["results"]
            if id_ in {p["id"] for p in hits}:
                break
            time.sleep(0.5)
        else:
            fail(f"package_search q={pkg['title']!r} misses product {id_}")
        print(f"CKAN registered product {pkg['name']} ({pkg['title']}): package_show, "
              f"package_search (walk, owner_org, q): ok", flush=True)


def check_ckan(dcat_total, product_ids):
    ckan = ckanapi.RemoteCKAN(BASE, user_agent="mulu-interop-check")
    status = ckan.action.status_show()
    print(f"CKAN status_show: ckan_version {status['ckan_version']}", flush=True)
    names = ckan.action.package_list()
    if len(names) != len(set(names)):
        fail("package_list has duplicate names")
    if len(names) != dcat_total:
        fail(f"package_list has {len(names)} names, the DCAT catalog {dcat_total} datasets")
    for n in names:
        if not (2 <= len(n) <= 100 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789-_" for c in n)):
            fail(f"package name {n!r} does not match [a-z0-9_-]{{2,100}}")

    # ckanapi dump datasets --all (package_list + package_show for each, 2 workers).
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "datasets.jsonl")
        exe = os.path.join(os.path.dirname(sys.executable), "ckanapi")
        # Its parallel workers start `ckanapi` again by name: put the venv first on PATH.
        env = dict(os.environ, PATH=os.path.dirname(exe) + os.pathsep + os.environ["PATH"])
        subprocess.run([exe, "dump", "datasets", "--all", "-q", "-p", "2", "-O", out, "-r", BASE],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        with open(out, encoding="utf-8") as f:
            dumped = [json.loads(line) for line in f if line.strip()]
    if sorted(d["name"] for d in dumped) != sorted(names):
        fail(f"ckanapi dump read {len(dumped)} packages, package_list names {len(names)}")
    print(f"CKAN ckanapi dump datasets --all: {len(dumped)} packages = package_list", flush=True)

    # Harvester walk: start/rows with sort=id asc.
    rows = 3
    walked, start = [], 0
    while True:
        page = ckan.action.package_search(q="*:*", rows=rows, start=start, sort="id asc")
        walked.extend(page["results"])
        start += rows
        if start >= page["count"]:
            break
    ids = [p["id"] for p in walked]
    if ids != sorted(ids) or len(ids) != len(set(ids)):
        fail("paging walk with sort=id asc is out of order or has duplicates")
    if sorted(p["name"] for p in walked) != sorted(names):
        fail(f"paging walk read {len(walked)} packages, package_list {len(names)}")
    for p in walked:
        if not p.get("resources") or not p.get("organization") or "extras" not in p:
            fail(f"search result {p['name']} is not a complete package dict")
    print(f"CKAN paging walk (rows={rows}, sort=id asc): {len(walked)} packages, complete", flush=True)
    check_ckan_products(ckan, product_ids, names, walked)

    # Incremental walk: everything modified at or after a midpoint, then after the newest.
    times = sorted(parse_ckan_time(p["metadata_modified"]) for p in walked)
    mid = times[len(times) // 2]
    since = mid.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    expected = sum(1 for t in times if t >= mid)
    got, start = [], 0
    while True:
        page = ckan.action.package_search(
            fq=f"metadata_modified:[{since} TO *]", rows=rows, start=start, sort="id asc")
        got.extend(page["results"])
        start += rows
        if start >= page["count"]:
            break
    if len(got) != expected or any(parse_ckan_time(p["metadata_modified"]) < mid for p in got):
        fail(f"incremental walk since {since}: {len(got)} packages, expected {expected}")
    print(f"CKAN incremental walk (fq metadata_modified since {since}): {len(got)} = expected",
          flush=True)
    r = get(f"{BASE}/catalog.ttl", params={"modified_since": since, "page_size": 1000})
    g = rdflib.Graph().parse(data=r.content, format="turtle")
    if int(next(g.objects(None, HYDRA.totalItems))) != expected:
        fail("DCAT modified_since disagrees with CKAN's fq")

    # Errors in CKAN's shape.
    try:
        ckan.action.package_show(id="no-such-package")
        fail("package_show of a missing package succeeded")
    except ckanapi.NotFound:
        pass
    try:
        ckan.action.package_search(fq="frobnicate:1")
        fail("an unknown fq field was accepted")
    except ckanapi.ValidationError:
        pass
    r = get(f"{BASE}/api/3/action/no_such_action")
    if r.status_code != 400 or "Action name not known" not in r.text:
        fail(f"unknown action -> {r.status_code} {r.text[:200]}")
    facets = ckan.action.package_search(rows=0, **{"facet.field": json.dumps(["organization"])})
    total_by_org = sum(i["count"] for i in facets["search_facets"]["organization"]["items"])
    if total_by_org != len(names):
        fail(f"organization facet counts {total_by_org}, packages {len(names)}")
    print("CKAN errors (Not Found, Validation Error, unknown action) and facets: ok", flush=True)
    check_ckan_dictionaries(ckan, dumped)


# CKAN's tag_name_validator: 2–100 characters, word characters of any script, space, - _ .
TAG_CHARS = re.compile(r"^[\w \-.]{2,100}$")


def check_ckan_dictionaries(ckan, dumped):
    """What a real CKAN would accept on import, and the actions harvesters call besides search."""
    listed_licences = ckan.action.license_list()
    licences = {l["id"] for l in listed_licences}
    for licence in listed_licences:
        r = get(licence["url"])
        if r.status_code != 200 or licence["title"] not in r.text:
            fail(f"licence {licence['id']} does not open at {licence['url']}: {r.status_code}")
    tags = set()
    for pkg in dumped:
        if pkg["license_id"] not in licences:
            fail(f"{pkg['name']}: license_id {pkg['license_id']!r} is not in license_list")
        for tag in pkg["tags"]:
            if not TAG_CHARS.match(tag["name"]):
                fail(f"{pkg['name']}: tag {tag['name']!r} breaks CKAN's tag rules")
            tags.add(tag["name"])
        for res in pkg["resources"]:
            for key in ("size", "hash", "metadata_modified"):
                if key not in res:
                    fail(f"{pkg['name']}: resource {res['id']} has no {key}")
    listed = set(ckan.action.tag_list())
    if not tags <= listed:
        fail(f"tag_list misses {sorted(tags - listed)[:5]}")
    first = next(p for p in dumped if p["resources"])
    res = ckan.action.resource_show(id=first["resources"][0]["id"])
    if res["package_id"] != first["id"]:
        fail("resource_show returned another package's resource")
    org = ckan.action.organization_show(id=first["organization"]["name"], include_datasets=True)
    if org["package_count"] < 1 or first["id"] not in {p["id"] for p in org["packages"]}:
        fail("organization_show include_datasets misses the organization's package")
    grouped = next((p for p in dumped if p["groups"]), None)
    if grouped:
        group = ckan.action.group_show(id=grouped["groups"][0]["name"], include_datasets=True)
        if grouped["id"] not in {p["id"] for p in group["packages"]}:
            fail("group_show include_datasets misses a package of the group")
    for action in ("package_search", "package_show", "resource_show", "tag_list"):
        if not ckan.action.help_show(name=action):
            fail(f"help_show has nothing for {action}")
    # A harvester paging a text query sees every match exactly once, and as many as count.
    seen, start, count = [], 0, None
    while count is None or start < count:
        page = ckan.action.package_search(q="数据", rows=50, start=start)
        count = page["count"]
        seen.extend(p["id"] for p in page["results"])
        start += 50
    if len(seen) != count or len(set(seen)) != count:
        fail(f"q walk: {len(seen)} results ({len(set(seen))} distinct) for count {count}")
    print(f"CKAN dictionaries (licences, tags, resources), resource_show, organization_show and "
          f"group_show with datasets, help_show, q walk ({count} matches once each): ok", flush=True)


def main():
    shapes = shapes_graph()
    total, product_ids = check_dcat(shapes, page_size=5)
    if total == 0:
        fail("the catalog is empty")
    check_product_documents(shapes, product_ids)
    check_ckan(total, product_ids)
    print("interop check: ok")


if __name__ == "__main__":
    main()
