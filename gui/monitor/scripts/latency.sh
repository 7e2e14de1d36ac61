#!/bin/bash
# Usage (from the repository root): xvfb-run -a -s "-screen 0 1280x800x24" gui/monitor/scripts/latency.sh
# Record-to-screen latency: a writer appends one step line every 250 ms to a
# followed run.jsonl; the monitor (--report-latency) prints, after each frame
# that showed new data, the time from the file's modification to the end of
# that frame (glFinish after the buffer swap).
d=$(mktemp -d); mkdir -p $d
echo '{"type":"run","format":"gradscope-run-1","backend":"cpu","spec":{"name":"live","layers":[]}}' > $d/run.jsonl
${BUILD:-build-mon}/gui/monitor/gradscope-monitor $d --report-latency 2> $d/lat.txt &
pid=$!
sleep 3
python3 - "$d/run.jsonl" <<'PY'
import sys, time
with open(sys.argv[1],'a') as f:
    for s in range(1,41):
        f.write('{"type":"step","step":%d,"epoch":0,"loss":%r,"lr":0.3,"step_ms":0.01,"samples_per_s":1000,"merged":1}\n'%(s,1/s)); f.flush()
        time.sleep(0.25)
PY
sleep 1
kill $pid
grep latency $d/lat.txt | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print "frames with new data:", NR, " median", a[int((NR+1)/2)], "ms  max", a[NR], "ms"}'
