# Sourced by the benchmark scripts: the lines of machine.txt that say where and under what load they ran.
# machine_header: date, CPU model and cores, and the CPU flags that decide which kernels run.
machine_header() {
  echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc) cores"
  echo "# CPU flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512(f|bw|vl|_vnni|_bf16)|avx_vnni|amx_int8)$' | sort | xargs)"
}
# load_line WHEN: the load average now, e.g. load_line "at the end".
load_line() {
  echo "# load $1: $(cut -d' ' -f1-3 /proc/loadavg)"
}
