"""Reads `jfr print --events jdk.ExecutionSample` from stdin; prints the hottest frames by self time
and the Caravan/Camel frames by inclusive time (share of all samples)."""
import collections
import re
import sys

self_time = collections.Counter()
inclusive = collections.Counter()
samples = 0
stack = []

def flush():
    global samples
    if not stack:
        return
    samples += 1
    self_time[stack[0]] += 1
    for frame in set(stack):
        if frame.startswith(("caravan.", "org.apache.camel.")):
            inclusive[frame] += 1
    stack.clear()

for line in sys.stdin:
    line = line.strip()
    if line.startswith("jdk.ExecutionSample"):
        flush()
    match = re.match(r"([\w.$<>]+)\(", line)
    if match and "line:" in line:
        stack.append(match.group(1))
flush()

print(f"{samples} samples\n\nTop frames by self time:")
for frame, count in self_time.most_common(25):
    print(f"{100 * count / samples:6.2f}%  {frame}")
print("\nCaravan and Camel frames by inclusive time:")
for frame, count in inclusive.most_common(40):
    print(f"{100 * count / samples:6.2f}%  {frame}")
