#!/usr/bin/env python3
"""Module graph of a Rust crate (scripts/test.sh fails on a cycle in any crate) from its `crate::` / `super::` paths; prints edges and cycles.

usage: modgraph.py SRC_DIR [--tests] [--groups]
  --tests   also read test code (without it, code after the first #[cfg(test)] /
            #[cfg(all(test…))] of each file is left out)
  --groups  collapse nested modules into their top-level module (ops::conjunction -> ops)
"""
import os, re, sys

src = sys.argv[1].rstrip('/')
with_tests = '--tests' in sys.argv

def module_of(path):
    rel = os.path.relpath(path, src)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] in ('lib', 'main'):
        parts = parts[:-1]
    elif parts[-1] == 'mod':
        parts = parts[:-1]
    return tuple(parts)

files = {}
for root, _, names in os.walk(src):
    for n in names:
        if n.endswith('.rs'):
            p = os.path.join(root, n)
            files[module_of(p)] = open(p, encoding='utf-8').read()
modules = set(files)

def strip(text):
    text = re.sub(r'//[^\n]*', '', text)  # comments (doc links name modules too)
    if not with_tests:
        m = re.search(r'#\[cfg\((all\()?test', text)
        if m:
            text = text[:m.start()]
    return text

def expand(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    tree = tree.strip()
    i = tree.find('{')
    if i < 0:
        return [tree]
    prefix, body = tree[:i], tree[i + 1:tree.rfind('}')]
    items, depth, cur = [], 0, ''
    for ch in body:
        if ch == ',' and depth == 0:
            items.append(cur); cur = ''; continue
        depth += ch == '{'; depth -= ch == '}'
        cur += ch
    items.append(cur)
    return [p for it in items if it.strip() for p in expand(prefix + it.strip())]

# Names lib.rs re-exports (`pub use error::SearchError`) resolve to their module.
reexports = {}
for m in re.finditer(r'pub use ([^;]+);', strip(files[()])):
    for path in expand(m.group(1)):
        parts = path.split('::')
        reexports[parts[-1].split(' as ')[-1].strip()] = tuple(parts[:-1])

def resolve(base, parts):
    parts = list(base) + [p for p in parts if p]
    for k in range(len(parts), 0, -1):
        if tuple(parts[:k]) in modules:
            return tuple(parts[:k])
    if len(parts) >= 1 and parts[0] in reexports:
        return reexports[parts[0]]
    return None

edges = {m: set() for m in modules}
for mod, text in files.items():
    text = strip(text)
    paths = []
    for m in re.finditer(r'\buse\s+((?:crate|super|self)::[^;]+);', text, re.S):
        paths += expand(re.sub(r'\s+', '', m.group(1)))
    for m in re.finditer(r'(?<![\w:])((?:crate|super)(?:::\w+)+)', text):
        paths.append(m.group(1))
    for p in paths:
        parts = p.split('::')
        if parts[0] == 'crate':
            base, rest = (), parts[1:]
        elif parts[0] == 'self':
            base, rest = mod, parts[1:]
        else:
            base = mod
            while parts and parts[0] == 'super':
                base = base[:-1]; parts = parts[1:]
            rest = parts
        target = resolve(base, rest)
        # a module's own children and ancestors (mod.rs re-exports) are not edges of the graph
        if target is None or target == mod or target == () or mod[:len(target)] == target:
            continue
        edges[mod].add(target)

if '--groups' in sys.argv:
    grouped = {}
    for m, ts in edges.items():
        g = m[:1]
        grouped.setdefault(g, set()).update(t[:1] for t in ts if t[:1] != g)
    edges = grouped

name = lambda m: '::'.join(m) or 'lib'
for m in sorted(edges):
    if m and edges[m]:
        print(f'{name(m):22} -> ' + ', '.join(sorted(name(t) for t in edges[m])))

# Strongly connected components (Tarjan): any with more than one module is a cycle.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
for v in sorted(edges):
    if v not in index:
        visit(v)
cycles = [sorted(name(m) for m in c) for c in sccs if len(c) > 1]
print()
print('cycles:', cycles if cycles else 'none')
sys.exit(1 if cycles else 0)
