# qa: index the bundled corpus, answer a two-hop question with its chain, score the bundled questions.
set -euo pipefail
"$MSTOOL" qa index recipes/data/qa/corpus.jsonl -o "$DEMO_OUT/qa-corpus.qaidx.h5" --overwrite
"$MSTOOL" qa ask "The estate where Alan Turing worked during the Second World War is in which town?" \
    --index "$DEMO_OUT/qa-corpus.qaidx.h5" --paths 2
"$MSTOOL" qa eval recipes/data/qa/questions.jsonl --index "$DEMO_OUT/qa-corpus.qaidx.h5" \
    -o "$DEMO_OUT/qa-report.json" --overwrite
