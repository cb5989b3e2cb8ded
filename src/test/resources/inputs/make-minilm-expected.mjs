// Writes minilm-expected.tsv: the ids that Transformers.js (npm @xenova/transformers 2.17.2,
// Apache-2.0, an independent implementation of Hugging Face tokenizers) gives for each line of
// tokenizer-texts.txt with all-MiniLM-L6-v2's tokenizer.json (without truncation or padding).
//   npm install --ignore-scripts @xenova/transformers@2.17.2
//   node make-minilm-expected.mjs all-minilm-l6-v2-tokenizer.json tokenizer-texts.txt minilm-expected.tsv
import fs from 'fs';
import { PreTrainedTokenizer } from '@xenova/transformers/src/tokenizers.js';
const [json, textsFile, out] = process.argv.slice(2);
const tokenizer = new PreTrainedTokenizer(JSON.parse(fs.readFileSync(json, 'utf-8')), {});
const lines = fs.readFileSync(textsFile, 'utf-8').split('\n').filter(l => l.length > 0);
fs.writeFileSync(out, lines.map(t => JSON.stringify(t) + '\t' + tokenizer.encode(t).join(' ')).join('\n') + '\n');
