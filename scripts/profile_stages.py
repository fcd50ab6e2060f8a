import gzip, glob, time, statistics, sys
import dechaff
from dechaff.decode import decode
from dechaff.parse import parse
from dechaff.metadata import extract_metadata
from dechaff.blocks import cut_blocks
from dechaff.classify import default_model
from dechaff.features import page_features, context_features
from dechaff.assemble import assemble
from dechaff.render import render_text, render_markdown, render_html
ds = sys.argv[1] if len(sys.argv) > 1 else 'aeb'
files = sorted(glob.glob(f'/work/shared/data/{ds}/pages/*.html.gz'))[:80]
docs = [decode(gzip.open(f).read()).text for f in files]
m = default_model(); dechaff.extract(docs[0])
T = {k: [] for k in ['parse','meta','blocks','feat1','tree1','ctx','tree2','assemble','render','total']}
for d in docs:
    t0=time.perf_counter(); tree=parse(d); t1=time.perf_counter(); meta=extract_metadata(tree); t2=time.perf_counter()
    page=cut_blocks(tree); t3=time.perf_counter(); X=page_features(page, meta.title, m.token_weights, m.near_weights); t4=time.perf_counter()
    p1=m.stage1.probabilities(X); t5=time.perf_counter()
    import numpy as np
    X2=np.hstack([X, context_features(page,p1)]) if len(X) else X; t6=time.perf_counter()
    p2=m.stage2.probabilities(X2) if len(X) else p1; t7=time.perf_counter()
    a=assemble(page, p2.tolist(), meta, 0.4); t8=time.perf_counter()
    render_text(page,a.body); render_markdown(page,a.body,meta.title); render_html(page,a.body,meta.title); t9=time.perf_counter()
    for k,(x,y) in zip(T, [(t0,t1),(t1,t2),(t2,t3),(t3,t4),(t4,t5),(t5,t6),(t6,t7),(t7,t8),(t8,t9),(t0,t9)]): T[k].append((y-x)*1000)
for k,v in T.items(): print(f"{k:9s} median {statistics.median(v):6.2f} ms  mean {statistics.mean(v):6.2f}")
