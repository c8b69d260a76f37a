"""RSS by stage of Engine.open on an existing index: the first open (builds BM25 and the clause
columns when none are saved), a second open, a reopen with the previous engine, then two asks
(the first loads the query encoder and Chroma's HNSW). Numbers in docs/bench/README.md.

    .venv/bin/python scripts/bench_open_memory.py INDEX [OUT.json]

Copy the index first if it should not gain a saved lexical/ folder. RSS is in MB (10^6 bytes),
peak (ru_maxrss) in MiB."""
import ctypes, gc, json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import assistant  # noqa

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def trim():
    gc.collect()
    try: ctypes.CDLL("libc.so.6").malloc_trim(0)
    except Exception: pass

rows = []
def mark(label):
    rows.append((label, round(rss()), round(peak())))
    print(f"{label:<48} rss {rss():8.0f} MB   peak {peak():8.0f} MB", flush=True)

def wrap(obj, name, label):
    fn = getattr(obj, name)
    def inner(*a, **k):
        mark(f"  > {label}")
        t = time.perf_counter()
        out = fn(*a, **k)
        mark(f"  < {label} ({time.perf_counter()-t:.2f} s)")
        return out
    setattr(obj, name, inner)

index = Path(sys.argv[1])
mark("start (imports)")
from assistant import engine as E
from assistant.retrieval import lexical_store, hybrid, lexical, lexical_delta
from assistant import store as S
mark("engine imported")
for obj, name, label in [(lexical_store, "load", "lexical_store.load"), (lexical_store, "save", "lexical_store.save"),
                         (lexical_delta, "assemble", "lexical_delta.assemble")]:
    wrap(obj, name, label)
for cls in (S.PlanStore,):
    for meth in ("load_all_stamped", "load_stamped"):
        if hasattr(cls, meth): wrap(cls, meth, f"store.{meth}")
wrap(E, "ClauseCorpus", "ClauseCorpus")
t = time.perf_counter(); eng = E.Engine.open(index); mark(f"open 1 done ({time.perf_counter()-t:.2f} s)")
trim(); mark("open 1 after gc+trim")
t = time.perf_counter(); eng2 = E.Engine.open(index); mark(f"open 2 done, 1 still held ({time.perf_counter()-t:.2f} s)")
del eng; trim(); mark("open 2 only, after gc+trim")
t = time.perf_counter(); eng3 = E.Engine.open(index, previous=eng2); mark(f"reopen with previous ({time.perf_counter()-t:.2f} s)")
del eng2; trim(); mark("reopen only")
q = "Ai báo cáo UBND thị xã, trước ngày nào?"
t = time.perf_counter(); a = eng3.ask(q); mark(f"first ask (model + chroma) ({time.perf_counter()-t:.2f} s)")
t = time.perf_counter(); a = eng3.ask("Kinh phí thực hiện kế hoạch từ đâu?"); mark(f"second ask ({(time.perf_counter()-t)*1000:.0f} ms)")
trim(); mark("end after trim")
if len(sys.argv) > 2:
    Path(sys.argv[2]).write_text(json.dumps(rows), "utf-8")
