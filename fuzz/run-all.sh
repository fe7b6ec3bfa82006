#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS seconds each (default 900), all at
# once, starting from the seeds in fuzz/seeds/<target>. Needs a nightly
# toolchain and `cargo install cargo-fuzz`. Crashes land in
# fuzz/artifacts/<target>/; each becomes a regression test in `cargo test`.
#
#   bash fuzz/run-all.sh          # 15 minutes per target
#   SECONDS_PER_TARGET=60 bash fuzz/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_TARGET:-900}
targets=(parse_check quote_match escape_typeset office_read mail_read)
for target in "${targets[@]}"; do cargo +nightly fuzz build -O "$target"; done
pids=()
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target" "fuzz/seeds/$target"
  cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    > "fuzz/$target.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
  if wait "${pids[$i]}"; then
    echo "${targets[$i]}: no crash in ${seconds} s ($(grep -E 'stat::number_of_executed_units' "fuzz/${targets[$i]}.log" | awk '{print $2}') runs)"
  else
    echo "${targets[$i]}: FAILED, see fuzz/${targets[$i]}.log and fuzz/artifacts/${targets[$i]}/"
    status=1
  fi
done
exit $status
