# run, test, bench, fuzz, style.

QEMU_RUN := tests/run/qemu-run.sh

.PHONY: run run-uefi test bench style fuzz
# Interactive: serial on this terminal (Ctrl-A X quits QEMU).
run: all
	$(QEMU_RUN) --interactive --firmware bios --machine pc --smp 2

run-uefi: all
	$(QEMU_RUN) --interactive --firmware uefi --machine q35 --smp 2

test: all
	$(Q)tests/run/run-tests.sh

bench: all
	$(Q)tests/run/run-bench.sh

# The hypercall fuzzer, longer than in make test (tests/scenarios/fuzz.sh):
# make fuzz [SEED=n] [RUNS=n] [ROUNDS=n] [FROM=n]
fuzz: all
	$(Q)FUZZ_SEED='$(SEED)' FUZZ_RUNS='$(RUNS)' FUZZ_ROUNDS='$(ROUNDS)' FUZZ_FROM='$(FROM)' \
		tests/scenarios/fuzz.sh

style:
	$(Q)scripts/style.sh
