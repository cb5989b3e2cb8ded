#!/usr/bin/env python3
"""Extract a small corpus of English prose sentences from the Debian
Administrator's Handbook as shipped by the Debian package `debian-handbook`.

Usage (plain python3, standard library only):

    apt-get install debian-handbook            # 11.20220922 on Debian 12 (bookworm)
    python3 sample-models/corpus/extract.py     # writes sample-models/corpus/sentences.txt

Optional arguments: --src DIR (default /usr/share/doc/debian-handbook/html/en-US),
--out FILE, --max N (default 4000).

What it does, deterministically:
  1. walks the HTML chapters in reading order (index.html, then the rel="next" links);
  2. takes the text of every <div class="para"> (DocBook paragraphs), dropping
     nested blocks (lists, program listings, screens, tables, figures) and all markup;
  3. normalises whitespace and typographic quotes/dashes to ASCII where simple;
  4. splits paragraphs into sentences on ., ! or ? followed by a space and an
     upper-case letter / quote / bracket (common abbreviations are protected);
  5. keeps sentences of 5..60 words that start with an upper-case letter, end in
     . ! or ?, are printable ASCII, and do not look like code (no '$ ', '#!', '{', '}');
  6. removes duplicates (first occurrence wins);
  7. if more than --max remain, keeps an evenly spaced subset of --max sentences
     (in book order).
"""
import argparse
import html.parser
import os
import re
import sys

DEFAULT_SRC = "/usr/share/doc/debian-handbook/html/en-US"
HERE = os.path.dirname(os.path.abspath(__file__))

# Block-level tags whose text is not part of the enclosing paragraph.
NESTED_BLOCKS = {"div", "ul", "ol", "dl", "pre", "table", "blockquote", "p"}
SKIP_ALWAYS = {"script", "style"}


class ParaParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras = []          # finished paragraph texts
        self.stack = []          # open tags: (tag, kind) kind in {'para','block','other'}
        self.buf = None          # text of the paragraph being collected
        self.para_depth = None   # stack depth where the current para started
        self.block_inside = 0    # nesting of blocks inside the current para
        self.skip = 0
        self.next_href = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "next" and self.next_href is None:
            self.next_href = a.get("href")
        if tag in ("meta", "link", "img", "br", "hr", "input"):
            return
        if tag in SKIP_ALWAYS:
            self.skip += 1
        classes = (a.get("class") or "").split()
        if self.buf is None:
            if tag == "div" and "para" in classes:
                self.buf = []
                self.para_depth = len(self.stack)
                self.block_inside = 0
                self.stack.append((tag, "para"))
                return
            self.stack.append((tag, "other"))
            return
        # inside a paragraph
        if tag in NESTED_BLOCKS:
            self.block_inside += 1
            self.stack.append((tag, "block"))
        else:
            self.stack.append((tag, "other"))

    def handle_endtag(self, tag):
        if tag in SKIP_ALWAYS and self.skip:
            self.skip -= 1
        # pop to the matching tag (HTML here is well-formed XHTML)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                popped = self.stack[i:]
                del self.stack[i:]
                for _t, kind in popped:
                    if kind == "block":
                        self.block_inside -= 1
                    elif kind == "para":
                        self.paras.append("".join(self.buf))
                        self.buf = None
                        self.para_depth = None
                        self.block_inside = 0
                return

    def handle_data(self, data):
        if self.buf is not None and self.block_inside == 0 and not self.skip:
            self.buf.append(data)


TRANSLATE = {
    "\u2014": " - ", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
    "\u201d": '"', "\u00a0": " ", "\u2026": "...", "\u00ab": '"', "\u00bb": '"',
    "\u2009": " ", "\u202f": " ",
}

ABBREVIATIONS = ["e.g.", "i.e.", "etc.", "vs.", "cf.", "Dr.", "Mr.", "Mrs.", "Ms.",
                 "St.", "No.", "approx.", "resp.", "Inc.", "Ltd.", "Fig.", "al."]
PLACEHOLDER = "\u0000"

SPLIT_RE = re.compile(r'(?<=[.!?])["\')]?\s+(?=["(\']?[A-Z0-9])')


def normalise(text):
    for k, v in TRANSLATE.items():
        text = text.replace(k, v)
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text):
    protected = text
    for abbr in ABBREVIATIONS:
        protected = protected.replace(abbr, abbr.replace(".", PLACEHOLDER))
    # single capital initials such as "J. Smith"
    protected = re.sub(r"\b([A-Z])\.(?= [A-Z])", "\\1" + PLACEHOLDER, protected)
    parts = SPLIT_RE.split(protected)
    return [p.replace(PLACEHOLDER, ".").strip() for p in parts if p.strip()]


def good(sentence):
    words = sentence.split()
    if not (5 <= len(words) <= 60):
        return False
    if not sentence[0].isupper():
        return False
    if sentence[-1] not in ".!?":
        return False
    if not all(32 <= ord(c) < 127 for c in sentence):
        return False
    if any(tok in sentence for tok in ("$ ", "#!", "{", "}", "://", "\\")):
        return False
    if sentence.count('"') % 2 or sentence.count("(") != sentence.count(")"):
        return False
    return True


def chapters_in_order(src):
    seen, order = set(), []
    name = "index.html"
    while name and name not in seen and os.path.exists(os.path.join(src, name)):
        seen.add(name)
        order.append(name)
        p = ParaParser()
        with open(os.path.join(src, name), encoding="utf-8") as f:
            p.feed(f.read())
        name = p.next_href.split("#")[0] if p.next_href else None
    # any page not reached through the chain, in name order
    rest = sorted(f for f in os.listdir(src) if f.endswith(".html") and f not in seen)
    return order + rest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=os.path.join(HERE, "sentences.txt"))
    ap.add_argument("--max", type=int, default=4000)
    args = ap.parse_args()
    if not os.path.isdir(args.src):
        sys.exit(f"{args.src} not found: apt-get install debian-handbook")

    sentences, seen, n_paras, n_raw = [], set(), 0, 0
    files = chapters_in_order(args.src)
    for name in files:
        p = ParaParser()
        with open(os.path.join(args.src, name), encoding="utf-8") as f:
            p.feed(f.read())
        for para in p.paras:
            n_paras += 1
            for s in split_sentences(normalise(para)):
                n_raw += 1
                if good(s) and s not in seen:
                    seen.add(s)
                    sentences.append(s)
    n_kept = len(sentences)
    if len(sentences) > args.max:
        step = len(sentences) / args.max
        sentences = [sentences[int(i * step)] for i in range(args.max)]
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for s in sentences:
            f.write(s + "\n")
    print(f"{len(files)} html files, {n_paras} paragraphs, {n_raw} raw sentences, "
          f"{n_kept} kept after filtering and dedupe, {len(sentences)} written to {args.out}")


if __name__ == "__main__":
    main()
