#!/usr/bin/env bash
# Once a second, the CPU time used so far by each part of the local stack and by k6, from
# /proc, so that report.mjs can tell where the CPU of each scenario went. Runs until killed.
#   e2e/load/cpu-sample.sh OUT.tsv      lines: epoch-ms  component  cpu-ticks (utime+stime)
# A component is a process group from $RELATA_STATE/pids (ferretdb, nats, keycloak, sales,
# gateway); k6 is found by its command name; "machine" is the busy time of all cores together.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../deploy/env.sh"
out=$1
echo "# clock ticks per second: $(getconf CLK_TCK)" >"$out"
while :; do
  groups=""
  for f in "$RELATA_STATE"/pids/*.pid; do
    [ -f "$f" ] || continue
    groups+="$(tr -dc '0-9' <"$f")=$(basename "$f" .pid) "
  done
  now=$(date +%s%3N)
  # /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v now="$now" -v groups="$groups" '
    BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) { split(g[i], kv, "="); name[kv[1]] = kv[2] } }
    {
      lp = index($0, "("); rp = 0
      for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { rp = i; break }
      comm = substr($0, lp + 1, rp - lp - 1)
      split(substr($0, rp + 2), f, " ")
      # after ")": f[1]=state f[2]=ppid f[3]=pgrp ... f[12]=utime f[13]=stime
      c = ""
      if (f[3] in name) c = name[f[3]]
      else if (comm ~ /^k6/) c = "k6"
      if (c != "") ticks[c] += f[12] + f[13]
    }
    END { for (c in ticks) printf "%s\t%s\t%d\n", now, c, ticks[c] }' >>"$out"
  # The whole machine: busy ticks summed over all cores (user nice system irq softirq steal).
  awk -v now="$now" '$1 == "cpu" { printf "%s\tmachine\t%d\n", now, $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat >>"$out"
  sleep 1
done
