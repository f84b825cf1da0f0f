package org.ckptinspector.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs of numbered blocks with the same structure ({@code model.layers.0 … model.layers.31}): the tensors one
 * block holds (its template, as most blocks have it) and the blocks that differ from it, tensor by tensor (another
 * dtype or shape, a tensor missing or extra). A run is found at the first numbered segment of the keys; its
 * numbers must be consecutive and at least half of its blocks, and two or more, must share the template.
 *
 * @param prefix the keys' common start before the number ({@code model.layers})
 * @param first the lowest block number
 * @param count the number of blocks (numbered {@code first … first + count − 1})
 * @param template the tensors of a typical block, by the key after the number ({@code self_attn.q_proj.weight})
 * @param differences every tensor of an odd block that differs from the template, in block order
 */
public record RepeatedBlocks(String prefix, long first, long count, List<Member> template,
        List<Difference> differences) {

    /** One tensor of a block: the key after the block number, dtype and shape. */
    public record Member(String rest, DType dtype, long[] shape) {
        public Member {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Elements of the tensor; saturates for hostile shapes. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = TensorRef.multiplySaturated(n, Math.max(d, 0));
            }
            return n;
        }

        boolean sameAs(Member o) {
            return rest.equals(o.rest) && dtype == o.dtype && Arrays.equals(shape, o.shape);
        }

        /** {@code float32 [16, 32]}. */
        public String describe() {
            return dtype.torchName() + " " + Arrays.toString(shape);
        }
    }

    /**
     * A tensor of block {@code block} that is not as the template has it.
     *
     * @param actual the block's tensor, or null when the block lacks it
     * @param expected the template's tensor, or null when only this block has it
     */
    public record Difference(long block, String rest, Member actual, Member expected) {
        /** The full key of the tensor in the checkpoint, built from the run's prefix. */
        public String key(String prefix) {
            return prefix + "." + block + "." + rest;
        }

        /** What the other blocks have: {@code others: float32 [16, 32]}, or {@code only in this block}. */
        public String describe() {
            return expected == null ? "only in this block" : "others: " + expected.describe();
        }
    }

    public RepeatedBlocks {
        template = List.copyOf(template);
        differences = List.copyOf(differences);
    }

    /** {@code model.layers.{0..31}}. */
    public String pattern() {
        return prefix + ".{" + first + ".." + (first + count - 1) + "}";
    }

    /** {@code model.layers.{0..31} × 32}. */
    public String label() {
        return pattern() + " × " + count;
    }

    /** The numbers of the blocks that differ from the template, in order. */
    public List<Long> oddBlocks() {
        return differences.stream().map(Difference::block).distinct().toList();
    }

    /** True when {@code key} is a tensor of one of this run's blocks. */
    public boolean covers(String key) {
        return blockOf(key) >= 0;
    }

    /** The block number of {@code key} in this run, or −1. */
    public long blockOf(String key) {
        if (!key.startsWith(prefix + ".")) {
            return -1;
        }
        String tail = key.substring(prefix.length() + 1);
        int dot = tail.indexOf('.');
        long n = number(dot < 0 ? tail : tail.substring(0, dot));
        return n >= first && n < first + count ? n : -1;
    }

    /** Every run of repeated blocks among {@code tensors}, in the order their first tensor appears. */
    public static List<RepeatedBlocks> find(List<TensorRef> tensors) {
        Map<String, TreeMap<Long, List<Member>>> byPrefix = new LinkedHashMap<>();
        for (TensorRef t : tensors) {
            String[] seg = t.key().split("\\.", -1);
            for (int i = 1; i < seg.length - 1; i++) {
                long n = number(seg[i]);
                if (n >= 0) {
                    String prefix = String.join(".", Arrays.copyOfRange(seg, 0, i));
                    String rest = String.join(".", Arrays.copyOfRange(seg, i + 1, seg.length));
                    byPrefix.computeIfAbsent(prefix, k -> new TreeMap<>())
                            .computeIfAbsent(n, k -> new ArrayList<>()).add(new Member(rest, t.dtype(), t.shape()));
                    break;
                }
            }
        }
        List<RepeatedBlocks> runs = new ArrayList<>();
        byPrefix.forEach((prefix, blocks) -> {
            RepeatedBlocks r = run(prefix, blocks);
            if (r != null) {
                runs.add(r);
            }
        });
        return runs;
    }

    private static RepeatedBlocks run(String prefix, TreeMap<Long, List<Member>> blocks) {
        long first = blocks.firstKey();
        long count = blocks.size();
        if (count < 2 || blocks.lastKey() - first + 1 != count) {
            return null;
        }
        List<List<Member>> signatures = new ArrayList<>();
        List<Integer> votes = new ArrayList<>();
        for (List<Member> b : blocks.values()) {
            int at = indexOf(signatures, b);
            if (at < 0) {
                signatures.add(b);
                votes.add(1);
            } else {
                votes.set(at, votes.get(at) + 1);
            }
        }
        int best = 0;
        for (int i = 1; i < votes.size(); i++) {
            if (votes.get(i) > votes.get(best)) {
                best = i;
            }
        }
        if (votes.get(best) < 2 || votes.get(best) * 2 < count) {
            return null;
        }
        List<Member> template = signatures.get(best);
        List<Difference> differences = new ArrayList<>();
        blocks.forEach((n, b) -> {
            if (!same(b, template)) {
                differences.addAll(compare(n, b, template));
            }
        });
        return new RepeatedBlocks(prefix, first, count, template, differences);
    }

    private static List<Difference> compare(long n, List<Member> block, List<Member> template) {
        Map<String, Member> expected = new LinkedHashMap<>();
        template.forEach(m -> expected.put(m.rest(), m));
        Map<String, Member> actual = new LinkedHashMap<>();
        block.forEach(m -> actual.putIfAbsent(m.rest(), m));
        List<Difference> out = new ArrayList<>();
        for (Member e : template) {
            Member a = actual.get(e.rest());
            if (a == null || !a.sameAs(e)) {
                out.add(new Difference(n, e.rest(), a, e));
            }
        }
        for (Member a : block) {
            if (!expected.containsKey(a.rest())) {
                out.add(new Difference(n, a.rest(), a, null));
            }
        }
        return out;
    }

    private static int indexOf(List<List<Member>> signatures, List<Member> b) {
        for (int i = 0; i < signatures.size(); i++) {
            if (same(signatures.get(i), b)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean same(List<Member> x, List<Member> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!x.get(i).sameAs(y.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** A block number: decimal digits without a leading zero (or "0"), else −1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
