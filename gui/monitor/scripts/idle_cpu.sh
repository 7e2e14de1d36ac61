#!/bin/bash
# Usage (from the repository root, under xvfb-run): gui/monitor/scripts/idle_cpu.sh RUN_DIR...
# Idle CPU of gradscope-monitor following two finished runs: utime+stime over 10 s.
${BUILD:-build-mon}/gui/monitor/gradscope-monitor "$@" 2>/dev/null &
pid=$!
sleep 4
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
sleep 10
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
tck=$(getconf CLK_TCK)
echo "cpu over 10 s: $(( t1 - t0 )) ticks of 1/$tck s = $(echo "scale=2; ($t1-$t0)*100/$tck/10" | bc) % of a core"
kill $pid
