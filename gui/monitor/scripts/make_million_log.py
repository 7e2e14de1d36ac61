#!/usr/bin/env python3
# Writes DIR/run.jsonl with a "run" record and 1,000,000 "step" records in the
# engine writer's format (one line per step, as RunLog writes with
# min_step_interval = 0), for timing how fast gradscope-monitor opens a big log.
#   python3 gui/monitor/scripts/make_million_log.py /tmp/million
import math, os, sys

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/million"
os.makedirs(d, exist_ok=True)
with open(os.path.join(d, "run.jsonl"), "w") as f:
    f.write('{"type":"run","format":"gradscope-run-1","time":"2026-01-01T00:00:00.000Z","backend":"cpu",'
            '"spec":{"name":"million","input":[2],"layers":[{"type":"Dense","units":8},{"type":"Tanh"}]}}\n')
    out = []
    for s in range(1, 1000001):
        loss = 0.7 / (1 + s * 1e-4) + 0.05 * math.sin(s * 0.01)
        out.append('{"type":"step","step":%d,"epoch":%d,"loss":%r,"accuracy":%r,"lr":0.3,"step_ms":0.0123,'
                   '"samples_per_s":813008.1,"merged":1}\n' % (s, s // 25, round(loss, 7), round(0.5 + 0.4 * (s % 1000) / 1000, 6)))
        if len(out) >= 100000:
            f.write("".join(out))
            out = []
    f.write("".join(out))
