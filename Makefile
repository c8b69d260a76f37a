# The two commands of the README: `make run` and `make test`. Both set up .venv first.
VENV := .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: setup index run test bench bench-scale bench-soak clean

setup:
	@bash scripts/setup.sh

index: setup
	@if [ ! -f index/manifest.json ]; then $(VENV)/bin/assistant ingest corpus; fi

run: index
	$(VENV)/bin/assistant serve

test: setup
	$(PY) -m pytest -q

bench: index
	$(PY) scripts/bench.py

clean:
	rm -rf index .pytest_cache

bench-scale: setup
	$(PY) scripts/bench_scale.py

# Hostile input and faults (issue 18): bad files, SIGKILLed uploads, 8/16/32 parallel clients; loopback only.
bench-soak: setup
	$(PY) scripts/bench_soak.py
