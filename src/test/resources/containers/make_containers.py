#!/usr/bin/env python3
"""Writes the container corpus (issue 13, classes 1-4): files that torch reads differently from a naive scanner
(tar by Python's tarfile, zip by miniz, CPython protocol-0 integers, legacy streams, nested containers), each
with a harmless payload (posix.system('true'), never run here) or a benign look-alike, and manifest.json saying
what `scan` must answer. Run: python3 make_containers.py (standard library only; nothing is unpickled)."""
import io
import json
import os
import pickle
import struct
import sys
import tarfile
import zipfile

OUT = os.path.dirname(os.path.abspath(__file__))
MANIFEST = []

# posix.system('true'): GLOBAL, a str argument, TUPLE1, REDUCE.
PAYLOAD_OPS = b"cposix\nsystem\nX\x04\x00\x00\x00true\x85R"
PAYLOAD = b"\x80\x02" + PAYLOAD_OPS + b"."
BENIGN = pickle.dumps({"w": [1.0, 2.0], "step": 3}, protocol=2)
MAGIC = 0x1950a86a20f9469cfc6c


def add(name, data, expect, description, dangerous=("posix.system",)):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    entry = {"file": name, "description": description, "exit": expect}
    if expect == 1:
        entry["dangerous"] = list(dangerous)
    MANIFEST.append(entry)


# ---- zip helpers ------------------------------------------------------------------------------------------

def zip_bytes(members, compress=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def torch_zip(pickle_bytes, extra=(), name="data.pkl"):
    return zip_bytes([("archive/" + name, pickle_bytes), ("archive/version", b"3\n"),
                      ("archive/byteorder", b"little")] + list(extra))


def set_eocd_count(data, count):
    eocd = data.rfind(b"PK\x05\x06")
    return data[:eocd + 8] + struct.pack("<HH", count, count) + data[eocd + 12:]


def npy(header_dict, body):
    return npy_text(repr(header_dict), body)


def npy_text(header_text, body):
    header = header_text.encode("latin1")
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


# ---- tar helpers ------------------------------------------------------------------------------------------

def tar_header(name, size, type_flag=b"0", linkname=b"", raw_size=None):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = raw_size if raw_size is not None else b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[156:157] = type_flag
    h[157:157 + len(linkname)] = linkname
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % (sum(h))
    return bytes(h)


def pad(data):
    return data + b"\0" * ((512 - len(data) % 512) % 512)


def member(name, data, type_flag=b"0", linkname=b"", raw_size=None):
    return tar_header(name, len(data), type_flag, linkname, raw_size) + pad(data)


def pax(records, type_flag=b"x"):
    body = b""
    for k, v in records:
        rec = b" " + k + b"=" + v + b"\n"
        n = len(rec) + 1
        while len(str(n).encode() + rec) != n:
            n += 1
        body += str(n).encode() + rec
    return member(b"PaxHeaders/x", body, type_flag)


STORAGES_EMPTY = pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2)
TENSORS_EMPTY = pickle.dumps(0, protocol=2)


def tar_file(*members):
    return b"".join(members) + b"\0" * 1024


def torch_tar(pickle_member, storages=STORAGES_EMPTY):
    return tar_file(member(b"storages", storages), member(b"tensors", TENSORS_EMPTY), pickle_member)


def main():
    for f in os.listdir(OUT):
        if f.endswith((".pt", ".pkl", ".npz", ".pt2", ".zip")):
            os.remove(os.path.join(OUT, f))

    # class 2: zip record names, as miniz finds them
    add("zip_benign.pt", torch_zip(BENIGN), 0, "a plain torch zip with a benign data.pkl")
    add("zip_upper_data_pkl.pt", torch_zip(PAYLOAD, name="DATA.PKL"), 1,
        "only archive/DATA.PKL: torch's case-insensitive lookup loads it")
    add("zip_case_shadow.pt", zip_bytes([("archive/data.pkl", BENIGN), ("archive/data.PKL", PAYLOAD),
                                         ("archive/version", b"3\n")]), 1,
        "a benign data.pkl shadowed by a payload data.PKL, which torch loads")
    add("zip_case_benign_twins.pt", zip_bytes([("archive/data.pkl", BENIGN), ("archive/DATA.pkl", BENIGN),
                                               ("archive/version", b"3\n")]), 0,
        "two benign case variants of data.pkl")
    add("zip_three_copies.pt", zip_bytes([("archive/data.pkl", BENIGN), ("archive/data.pkl", PAYLOAD),
                                          ("archive/data.pkl", BENIGN), ("archive/version", b"3\n")]), 1,
        "three data.pkl entries; torch's binary search picks one of them")
    add("zip_deflated_upper.pt", zip_bytes([("archive/Data.Pkl", PAYLOAD), ("archive/version", b"3\n")],
                                           zipfile.ZIP_DEFLATED), 1, "a DEFLATE Data.Pkl")
    add("zip_eocd_count_high.pt", set_eocd_count(torch_zip(PAYLOAD), 4), 2,
        "the end record declares 4 entries, the directory holds 3: torch refuses the archive")
    add("zip_eocd_count_low.pt", set_eocd_count(zip_bytes([("archive/version", b"3\n"),
                                                           ("archive/data.pkl", BENIGN),
                                                           ("archive/data.pkl", PAYLOAD)]), 2), 1,
        "the end record declares 2 of 3 entries: torch sees the benign data.pkl, Python's zipfile the payload")
    add("zip_odd_member_name.pt", torch_zip(BENIGN, extra=[("archive/extra/weights.bin", PAYLOAD)]), 1,
        "a pickle under a name without .pkl (other loaders unpickle it)")

    # class 4: nested containers
    add("npz_object_array.npz", zip_bytes([("x.npy", npy({"descr": "|O", "fortran_order": False,
                                                          "shape": (1,)}, PAYLOAD))]), 1,
        "an .npz whose object array carries a payload pickle")
    # numpy pickles whenever dtype(descr).hasobject: descr strings other than '|O' reach it too
    obj_header = lambda descr: npy({"descr": descr, "fortran_order": False, "shape": (1,)}, PAYLOAD)
    add("npy_descr_object_word.npy", obj_header("object"), 1, "a top-level .npy whose descr is 'object'")
    add("npz_descr_object_word.npz", zip_bytes([("x.npy", obj_header("object"))]), 1,
        "an .npz member whose descr is 'object'")
    add("npz_descr_comma_object.npz", zip_bytes([("x.npy", obj_header("i4,O"))]), 1,
        "descr 'i4,O': a comma string numpy reads as a structured dtype with an object field")
    add("npz_descr_tuple_object.npz", zip_bytes([("x.npy", obj_header(("O", (1,))))]), 1,
        "descr ('O', (1,)): a sub-array of objects")
    add("npz_descr_fields_object.npz", zip_bytes([("x.npy", obj_header([("a", "<i4"), ("b", "|O")]))]), 1,
        "a structured dtype with one object field")
    unicode_descr = npy_text("{'descr': u'|O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD)
    add("npz_descr_unicode_prefix.npz", zip_bytes([("x.npy", unicode_descr)]), 1,
        "descr u'|O': literal_eval reads the prefix, which a stricter header parser might refuse")
    add("npz_benign.npz", zip_bytes([("x.npy", npy({"descr": "<f4", "fortran_order": False, "shape": (2,)},
                                                   struct.pack("<2f", 1.0, 2.0)))]), 0,
        "an .npz of float32 data that starts like a pickle by chance", ())
    add("pt2_sample_inputs.pt2", zip_bytes([("archive/archive_format", b"pt2"),
                                            ("archive/data/sample_inputs/model.pt", torch_zip(PAYLOAD))]), 1,
        "a .pt2 whose sample_inputs member is a torch.save zip with a payload (torch.export falls back to "
        "weights_only=False)")
    add("zip_in_zip_in_zip.zip", zip_bytes([("outer/inner.zip", zip_bytes([("mid/x.pt", torch_zip(PAYLOAD))]))]),
        1, "a payload three zips deep")
    add("pt2_benign.pt2", zip_bytes([("archive/archive_format", b"pt2"),
                                     ("archive/data/sample_inputs/model.pt", torch_zip(BENIGN))]), 0,
        "a .pt2 with a benign nested torch.save zip")

    # class 1: tar checkpoints, as tarfile reads them
    add("tar_benign.pt", torch_tar(member(b"pickle", BENIGN)), 0, "a benign torch tar checkpoint")
    add("tar_symlink_pickle.pt", torch_tar(member(b"real", PAYLOAD) + member(b"pickle", b"", b"2", b"real")), 1,
        "'pickle' is a symbolic link to a member holding the payload")
    add("tar_hardlink_pickle.pt", torch_tar(member(b"real", PAYLOAD) + member(b"pickle", b"", b"1", b"./real")),
        1, "'pickle' is a hard link to an earlier member holding the payload")
    add("tar_unknown_type.pt", torch_tar(member(b"pickle", PAYLOAD, b"Z")), 1,
        "'pickle' has the unknown type Z, which tarfile reads as a regular file")
    add("tar_pax_path.pt", torch_tar(pax([(b"path", b"pickle")]) + member(b"innocent", PAYLOAD)), 1,
        "a PAX header renames member 'innocent' to 'pickle'")
    add("tar_pax_sparse_name.pt", torch_tar(pax([(b"GNU.sparse.name", b"pickle")]) + member(b"x", PAYLOAD)), 1,
        "a PAX GNU.sparse.name renames the member to 'pickle'")
    add("tar_pax_global_path.pt", torch_tar(pax([(b"path", b"pickle")], b"g") + member(b"innocent", PAYLOAD)),
        1, "a PAX global header renames the next member to 'pickle'")
    add("tar_pax_size.pt", torch_tar(pax([(b"size", str(len(PAYLOAD)).encode())])
                                     + tar_header(b"pickle", 0) + pad(PAYLOAD)), 1,
        "the ustar size is 0; a PAX size gives the payload's length")
    add("tar_base256_size.pt", torch_tar(tar_header(b"pickle", 0, raw_size=b"\x80" + len(PAYLOAD).to_bytes(11, "big"))
                                         + pad(PAYLOAD)), 1, "'pickle' has a base-256 size field")
    add("tar_last_of_two.pt", torch_tar(member(b"pickle", BENIGN) + member(b"pickle", PAYLOAD)), 1,
        "two 'pickle' members: tarfile takes the last")
    storages = (pickle.dumps(1, protocol=2)
                + b"\x80\x02ctorch\nDoubleStorage\n0(X\x01\x00\x00\x000X\x03\x00\x00\x00cpuctorch\nFloatStorage\nt."
                + struct.pack("<q", 8) + b"\0" * 32 + PAYLOAD + b"\0" * 64)
    add("tar_storage_element_size.pt", torch_tar(member(b"pickle", BENIGN), storages), 1,
        "a storage header that names DoubleStorage before its real FloatStorage: torch steps over 4-byte "
        "elements and unpickles the payload as the storage views")
    name = PAYLOAD_OPS + b"B" + struct.pack("<I", 512 - len(PAYLOAD_OPS) - 5)
    poly = bytearray(tar_header(name, 1 << 20))
    add("tar_legacy_polyglot.pt", bytes(poly) + b"0." + b"\0" * 100, 1,
        "a valid first tar header whose member runs past the end: tarfile raises and torch reads the whole "
        "file as a legacy pickle stream, whose first pickle is the payload")

    # class 3: protocol-0 integers and the legacy stream
    for suffix, text in [("hex", b"I0x1\n"), ("octal", b"I0o7\n"), ("binary", b"I0b1\n"), ("c_octal", b"I010\n"),
                         ("underscore", b"I1_000\n"), ("spaces", b"I  +5 \n"), ("long_hex", b"L0x10L\n"),
                         ("long_underscore", b"L-1_0\n")]:
        add("p0_int_%s.pkl" % suffix, text + b"0" + PAYLOAD_OPS + b".", 1,
            "a protocol-0 integer CPython accepts (%r) before the payload" % text)
    add("p0_int_invalid.pkl", b"I0x\n0" + PAYLOAD_OPS + b".", 2,
        "an integer CPython rejects: the unpickler stops before the payload")
    add("p0_bool_text.pkl", b"(I01\nI00\nl.", 0, "INT's 00/01 booleans, benign", ())
    magic_p4 = b"\x80\x04L%dL\n." % MAGIC
    stream = (magic_p4 + pickle.dumps(1001, protocol=2) + pickle.dumps({"protocol_version": 1001}, protocol=2)
              + PAYLOAD + pickle.dumps([], protocol=2))
    add("legacy_magic_proto4_long.pt", stream, 1,
        "a legacy stream whose magic number is PROTO 4 + a text LONG; the object pickle is the payload")
    stream2 = (b"\x80\x02L%dL\n." % MAGIC + PAYLOAD + b"\x80\x02}.")
    add("legacy_payload_in_pickle2.pt", stream2, 1,
        "a legacy stream whose protocol-version pickle is the payload (torch unpickles it before checking it)")
    add("legacy_benign.pt", b"\x80\x02L%dL\n." % MAGIC + pickle.dumps(1001, protocol=2)
        + pickle.dumps({}, protocol=2) + pickle.dumps({}, protocol=2) + pickle.dumps([], protocol=2), 0,
        "a benign legacy stream with a text LONG magic number", ())

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "make_containers.py", "python": sys.version.split()[0], "files": MANIFEST}, f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
