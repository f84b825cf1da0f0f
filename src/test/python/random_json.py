#!/usr/bin/env python3
"""Makes COUNT random JSON-like texts from SEED (values JSON has and values it lacks: NaN, -INF, leading zeros,
single quotes, trailing commas, odd whitespace, lone surrogates, text after the value) and prints (JSON) whether
Python's json.loads reads each one, as transformers reads a config or index once decoded from UTF-8.
Usage: random_json.py SEED COUNT ; output {"python": version, "texts": {TEXT: {"loads": bool, "error": str}}}."""
import json
import random
import sys

VALUES = ['1', '-0', '1e5', '1.5', 'NaN', 'Infinity', '-Infinity', 'true', 'false', 'null', '"\\u00e9"', '"\\n"',
          '"\\u0041"', '"\\x"', '"\t"', '01', '.5', '1.', '+1', '-', "'a'", '1E400', '"\\ud800"', '"\\udc00\\ud800"',
          '-1e-400', '0x10', 'nan', 'inf', '"\\/"', '1_0', '"\u2028"', '1e', '-Infinityx', 'NaNa', '""', '"\\"', '"é"',
          '-INF', 'INF', '"\x7f"', '"\x00"', '1e+5', '1E-5', '0.0e0', '[]', '{}', '[1,2]', '{"k":1}', '-01', '00', '2.',
          '1.e5', '123456789012345678901234567890', '1e999999', '-1.0E+2', '"\\uD834\\uDD1E"', '"\\u12"', '"\\U0041"']
SPACE = ['', ' ', '\n', '\t', '\r', '\u00a0', '\x0c', '\x0b', '\u2028', '\ufeff']
AFTER = ['', '', '', ' x', '{}', '\x00']


def value(rng, depth=0):
    r = rng.random()
    if depth < 3 and r < 0.2:
        items = ','.join(value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return '[' + items + rng.choice(['', ',']) + ']'
    if depth < 3 and r < 0.4:
        members = ','.join(rng.choice(['"a"', '"b"', 'a', '1', "'c'"]) + rng.choice([':', ' : ', '='])
                           + value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return '{' + members + rng.choice(['', ',', '']) + '}'
    return rng.choice(VALUES)


rng = random.Random(int(sys.argv[1]))
count = int(sys.argv[2])
texts = {}
while len(texts) < count:
    text = rng.choice(SPACE) + value(rng) + rng.choice(SPACE) + rng.choice(AFTER)
    try:
        json.loads(text)
        texts[text] = {"loads": True, "error": ""}
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        texts[text] = {"loads": False, "error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps({"python": sys.version.split()[0], "texts": texts}))
