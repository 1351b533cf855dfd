#!/usr/bin/env python3
"""Writes the ingest test fixtures: the same 30 successful requests (plus 2 failed ones) as vLLM's serving benchmark,
SGLang's bench_serving and GuideLLM write them, and in cmbench's own JSON lines. Made-up numbers (seeded), written to the
microsecond so every format gives the same times. Run from this directory: python3 make-fixtures.py"""
import random
import yaml

rng = random.Random(18)
N = 32
FAILED = {7, 19}


def sec(us):
    """Whole microseconds as seconds with six decimals, exactly."""
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


class Raw(str):
    """A number written as given."""


def dump(v):
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int,)):
        return str(v)
    if isinstance(v, float):
        return "Infinity" if v == float("inf") else repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list):
        return "[" + ", ".join(dump(x) for x in v) + "]"
    return "{" + ", ".join(dump(k) + ": " + dump(x) for k, x in v.items()) + "}"


# the requests: send gaps, ttft, inter-token gaps (us), prompt and output lengths
reqs = []
t = 0
for i in range(N):
    t += 0 if i == 0 else rng.randrange(50_000, 400_000)
    out = 1 if i == 3 else rng.randrange(2, 120)
    reqs.append(dict(send=t, ttft=rng.randrange(30_000, 900_000), itls=[rng.randrange(8_000, 60_000) for _ in range(out - 1)],
                     prompt=rng.randrange(100, 4000), out=out, failed=i in FAILED))


def cmbench(arrivals, path):
    with open(path, "w") as f:
        for i, r in enumerate(reqs):
            if r["failed"]:
                continue
            a = arrivals[i]
            first = a + r["ttft"]
            last = first + sum(r["itls"])
            f.write(dump({"request_id": str(i), "arrival_ms": Raw(f"{a / 1000:.3f}"), "first_token_ms": Raw(f"{first / 1000:.3f}"),
                          "last_token_ms": Raw(f"{last / 1000:.3f}"), "prompt_tokens": r["prompt"], "output_tokens": r["out"]}) + "\n")


def per_request_arrays(start=None):
    d = {
        "input_lens": [r["prompt"] for r in reqs],
        "output_lens": [0 if r["failed"] else r["out"] for r in reqs],
        "ttfts": [Raw("0.0") if r["failed"] else Raw(sec(r["ttft"])) for r in reqs],
        "itls": [[] if r["failed"] else [Raw(sec(g)) for g in r["itls"]] for r in reqs],
    }
    if start is not None:
        d["start_times"] = [Raw(sec(start + r["send"])) for r in reqs]
    d["generated_texts"] = ["" if r["failed"] else "lorem " * r["out"] for r in reqs]
    d["errors"] = ["Internal Server Error" if r["failed"] else "" for r in reqs]
    return d


# vLLM (vllm bench serve --save-result --save-detailed): one JSON object on one line, start_times from perf_counter
PERF0 = 81_234_500_000
vllm = {"date": "20250807-101500", "endpoint_type": "openai", "backend": "openai", "label": None, "model_id": "made-up/model",
        "tokenizer_id": "made-up/model", "num_prompts": N, "request_rate": "inf", "burstiness": 1.0, "max_concurrency": None,
        "duration": 12.5, "completed": N - len(FAILED), "failed": len(FAILED), "total_input_tokens": 0, "total_output_tokens": 0,
        "request_throughput": 2.4, "request_goodput": None, "output_throughput": 100.0, "total_token_throughput": 900.0}
vllm.update(per_request_arrays(PERF0))
vllm.update({"mean_ttft_ms": 400.0, "median_ttft_ms": 390.0, "p99_ttft_ms": 880.0, "mean_tpot_ms": 33.0})
with open("vllm-result.json", "w") as f:
    f.write(dump(vllm))
cmbench([r["send"] for r in reqs], "vllm-as-cmbench.jsonl")

# SGLang (bench_serving --output-details): a JSON line per run; no send times: due at i / rate, 8 in flight at most
RATE, CONC = 4.0, 8
arr, ends = [], []
for i, r in enumerate(reqs):
    due = round(i * 1e6 / RATE)
    send = due
    if len(ends) >= CONC:
        ends.sort()
        send = max(due, ends.pop(0))
    arr.append(send)
    ends.append(send + (0 if r["failed"] else r["ttft"] + sum(r["itls"])))


def sglang_run(arrays, n):
    d = {"backend": "sglang", "dataset_name": "random", "request_rate": RATE, "max_concurrency": CONC, "sharegpt_output_len": None,
         "random_input_len": 4000, "random_output_len": 120, "random_range_ratio": 0.0, "duration": 11.0, "completed": n,
         "total_input_tokens": 0, "total_output_tokens": 0, "total_output_tokens_retokenized": 0, "request_throughput": 2.7,
         "input_throughput": 100.0, "output_throughput": 100.0, "mean_e2e_latency_ms": 1500.0, "median_ttft_ms": 400.0,
         "concurrency": 3.9, "accept_length": None}
    d.update(arrays)
    return d


earlier = {"input_lens": [512, 512], "output_lens": [16, 16], "ttfts": [Raw("0.2"), Raw("0.21")],
           "itls": [[Raw("0.01")] * 15, [Raw("0.01")] * 15], "generated_texts": ["x", "y"], "errors": ["", ""]}
with open("sglang-results.jsonl", "w") as f:
    f.write(dump(sglang_run(earlier, 2)) + "\n")
    f.write(dump(sglang_run(per_request_arrays(), N - len(FAILED))) + "\n")
cmbench(arr, "sglang-as-cmbench.jsonl")

# GuideLLM (benchmarks.json, report schema version 2): Unix-time timings per request
UNIX0 = 1_754_550_000_000_000


def stats(i, r):
    a = UNIX0 + r["send"]
    first = a + r["ttft"]
    last = first + sum(r["itls"])
    rid = f"5f0c{i:04d}-2c1e-4d8a-9b7e-{i * 7919:012d}"
    timings = {"targeted_start": Raw(sec(a - 120)), "queued": Raw(sec(a - 900)), "dequeued": Raw(sec(a - 300)),
               "scheduled_at": Raw(sec(a - 200)), "resolve_start": Raw(sec(a - 50)), "request_start": Raw(sec(a)),
               "first_request_iteration": None if r["failed"] else Raw(sec(first)),
               "first_token_iteration": None if r["failed"] else Raw(sec(first)),
               "first_output_token_iteration": None if r["failed"] else Raw(sec(first)),
               "last_token_iteration": None if r["failed"] else Raw(sec(last)),
               "last_request_iteration": None if r["failed"] else Raw(sec(last)),
               "request_iterations": 0 if r["failed"] else r["out"], "token_iterations": 0 if r["failed"] else r["out"],
               "request_end": Raw(sec(last + 400)), "resolve_end": Raw(sec(last + 500)), "finalized": Raw(sec(last + 900))}
    info = {"request_id": rid, "conversation_id": None, "history_len": 0, "turn_index": 0, "node_id": None, "agent_id": None,
            "parent_node_ids": [], "status": "errored" if r["failed"] else "completed", "scheduler_node_id": 0,
            "scheduler_process_id": 0, "scheduler_start_time": Raw(sec(UNIX0 - 1_000_000)), "timings": timings,
            "settings": {"relative_timestamp": None, "requeue_delay": None},
            "error": "HTTP 500: Internal Server Error" if r["failed"] else None, "traceback": None}
    out = 0 if r["failed"] else r["out"]
    return {"type_": "generative_request_stats", "request_id": rid, "response_id": None, "request_args": None,
            "output": None if r["failed"] else "lorem " * out, "reasoning_output": None, "tool_calls": None, "info": info,
            "input_metrics": {"text_tokens": r["prompt"], "total_tokens": r["prompt"]},
            "output_metrics": {"text_tokens": out, "total_tokens": out},
            "request_start_time": Raw(sec(a)), "request_end_time": Raw(sec(last + 400)),
            "prompt_tokens": r["prompt"], "cached_tokens": None, "output_tokens": out, "total_tokens": r["prompt"] + out}


benchmark = {"type_": "generative_benchmark", "id_": "b0", "run_id": "r0", "run_index": 0,
             "config": {"strategy": {"type_": "constant", "rate": 2.5}}, "scheduler_state": {}, "scheduler_metrics": {},
             "metrics": {}, "requests": {"successful": [stats(i, r) for i, r in enumerate(reqs) if not r["failed"]],
                                         "incomplete": [], "errored": [stats(i, r) for i, r in enumerate(reqs) if r["failed"]],
                                         "total": None}}
report = {"metadata": {"version": 2, "guidellm_version": "0.7.3", "python_version": "3.12.3", "platform": "Linux"},
          "config": {"target": "http://127.0.0.1:8000", "profile": "constant", "rate": [2.5]}, "benchmarks": [benchmark]}
with open("guidellm-benchmarks.json", "w") as f:
    f.write(dump(report))
with open("guidellm-benchmarks.yaml", "w") as f:  # the same report as GuideLLM writes it to a .yaml path
    f.write(yaml.dump(yaml.safe_load(dump(report))))
cmbench([r["send"] for r in reqs], "guidellm-as-cmbench.jsonl")
