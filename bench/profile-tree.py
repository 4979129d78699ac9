#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file (with thread names): the share of each thread group, then a tree
of Tollgate's own frames (dev/tollgate/...) per thread group, library work below them folded into its first callee.
   bench/profile-tree.py prof.collapsed [min-percent=0.7]"""
import collections
import re
import sys

path = sys.argv[1]
min_pct = float(sys.argv[2]) if len(sys.argv) > 2 else 0.7
groups = collections.Counter()
trees = collections.defaultdict(dict)
total = 0


def group(thread):
    name = re.sub(r'\s*tid=\d+$', '', thread.strip('[]'))
    name = re.sub(r'[-#]?\d+$', '', name)
    if name.startswith('vert.x-eventloop'):
        return 'event loop'
    if name.startswith('tollgate-usage'):
        return 'ledger (journal + store)'
    if name == 'java':
        return 'native (DuckDB workers)'
    if 'Compiler' in name:
        return 'JIT'
    if name.startswith(('Z', 'GC', 'G1', 'Parallel')):
        return 'GC'
    return name


for line in open(path):
    stack, _, n = line.rstrip('\n').rpartition(' ')
    n = int(n)
    frames = stack.split(';')
    g = group(frames[0])
    total += n
    groups[g] += n
    ours = [i for i, f in enumerate(frames) if f.startswith('dev/tollgate/') and 'Lambda' not in f]
    path_ = [frames[i].replace('dev/tollgate/', '') for i in ours]
    rest = frames[ours[-1] + 1:] if ours else frames[1:]
    if rest:
        path_.append('· ' + rest[0][:90] if ours else '· (outside Tollgate) ' + frames[-1][:70])
    node = trees[g]
    for f in path_:
        node = node.setdefault(f[:110], [0, {}])
        node[0] += n
        node = node[1]

print(f'{total} samples')
for g, n in groups.most_common():
    print(f'{100 * n / total:5.1f}%  {g}')


def show(node, depth):
    for name, (n, children) in sorted(node.items(), key=lambda kv: -kv[1][0]):
        if 100 * n / total >= min_pct:
            print(f'{100 * n / total:5.1f}% ' + '  ' * depth + name)
            show(children, depth + 1)


for g, _ in groups.most_common(3):
    print(f'\n== {g} (shares of all samples)')
    show(trees[g], 0)
