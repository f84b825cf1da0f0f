package org.ckptinspector.export;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.DequantizedBlocks;
import org.ckptinspector.values.ScaledWeights;

/**
 * Turns a request into a plan, or refuses it with one message that names the keys at fault, before anything is
 * written: the selection must choose something, every {@code --keys} entry must exist, output keys must be
 * non-empty and unique, and the format must be able to hold every chosen tensor.
 */
public final class ExportPlanner {
    private ExportPlanner() {}

    public static ExportPlan plan(Checkpoint source, ExportRequest request) throws ExportException {
        Selection selection = request.selection();
        List<TensorRef> chosen = new ArrayList<>();
        List<String> relativeKeys = new ArrayList<>();
        boolean anyUnderRoot = false;
        for (TensorRef t : source.tensors()) {
            String rel = selection.relativeKey(t.key());
            if (rel == null) {
                continue;
            }
            anyUnderRoot = true;
            if (selection.matches(rel)) {
                chosen.add(t);
                relativeKeys.add(rel);
            }
        }
        if (source.tensors().isEmpty()) {
            throw new ExportException(source.file() + ": the file holds no tensors to export");
        }
        if (!anyUnderRoot) {
            throw new ExportException(source.file() + ": no tensor lies under --root '" + selection.root() + "'");
        }
        List<String> unknown = selection.keys().stream()
                .filter(k -> !relativeKeys.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new ExportException(source.file() + ": no tensor named " + Keys.abbreviate(unknown)
                    + (selection.root().isEmpty() ? "" : " under '" + selection.root() + "'")
                    + (selection.exclude().isEmpty() ? "" : " (or it is excluded)"));
        }
        if (chosen.isEmpty()) {
            throw new ExportException(source.file() + ": the selection matches no tensor");
        }
        List<String> warnings = new ArrayList<>();
        if (request.dtype() != null) {
            dropAppliedScales(chosen, relativeKeys, warnings);
        } else {
            warnUnscaled(chosen, warnings);
        }
        List<ExportItem> items = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            TensorRef t = request.dtype() == null ? decodedBlocks(chosen.get(i))
                    : dequantizedScaled(decodedBlocks(chosen.get(i)));
            String out = rename(relativeKeys.get(i), request.renames());
            items.add(new ExportItem(t.key(), out, t, DTypeConversion.resultOf(t.dtype(), request.dtype())));
        }
        checkOutputKeys(items);
        checkWritable(source, items, request.format());
        Map<String, PyValue> moduleMetadata = Map.of();
        List<String> requirements = List.of();
        if (request.format() == ExportFormat.PTH) {
            ModuleMetadata kept = ModuleMetadata.forExport(source, selection, items);
            moduleMetadata = kept.entries();
            warnings.addAll(kept.warnings());
            requirements = TorchRequirements.describe(items);
        } else {
            warnings.addAll(sharedStorageWarnings(items));
        }
        return new ExportPlan(source, request, items, moduleMetadata, warnings, requirements);
    }

    /** A decodable GGML block-quantized tensor is exported as the float32 values it dequantizes to. */
    private static TensorRef decodedBlocks(TensorRef t) throws ExportException {
        if (t.dtype().kind() != DType.Kind.BLOCK || !t.dtype().isDecoded() || !t.isReadable()) {
            return t;
        }
        try {
            return DequantizedBlocks.view(t);
        } catch (CheckpointException e) {
            throw new ExportException(e.getMessage());
        }
    }

    /**
     * With {@code --dtype}, a scaled float8 weight is written as its dequantized values, so the scale tensors
     * that were applied to it are left out: written beside the values, they would be applied twice.
     */
    private static void dropAppliedScales(List<TensorRef> chosen, List<String> relativeKeys, List<String> warnings) {
        Set<TensorRef> applied = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (TensorRef t : chosen) {
            if (t.quantization() instanceof Quantization.Scaled s) {
                applied.add(s.scale());
            }
        }
        List<String> dropped = new ArrayList<>();
        for (int i = chosen.size() - 1; i >= 0; i--) {
            if (applied.contains(chosen.get(i))) {
                dropped.add(0, chosen.get(i).key());
                chosen.remove(i);
                relativeKeys.remove(i);
            }
        }
        if (!dropped.isEmpty()) {
            warnings.add("left out " + Keys.abbreviate(dropped) + ": the float8 weights they scale are written "
                    + "dequantized");
        }
    }

    /** Without {@code --dtype}, a scaled float8 weight exported without its scale is only codes: say so. */
    private static void warnUnscaled(List<TensorRef> chosen, List<String> warnings) {
        Set<TensorRef> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(chosen);
        List<String> unscaled = new ArrayList<>();
        for (TensorRef t : chosen) {
            if (t.quantization() instanceof Quantization.Scaled s && !kept.contains(s.scale())) {
                unscaled.add(t.key() + " (" + s.scale().key() + ")");
            }
        }
        if (!unscaled.isEmpty()) {
            warnings.add(Keys.abbreviate(unscaled) + " written as float8 codes without the scale that dequantizes "
                    + "them; select the scale too, or give --dtype");
        }
    }

    /** A scaled float8 weight, when a dtype is asked for, is converted from its dequantized float32 values. */
    private static TensorRef dequantizedScaled(TensorRef t) throws ExportException {
        if (!(t.quantization() instanceof Quantization.Scaled) || !t.isReadable()) {
            return t;
        }
        try {
            return ScaledWeights.view(t);
        } catch (CheckpointException e) {
            throw new ExportException(e.getMessage());
        }
    }

    private static String rename(String key, List<RenameRule> rules) throws ExportException {
        String k = key;
        for (RenameRule r : rules) {
            try {
                k = r.apply(k);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new ExportException("--rename " + r + " cannot rename '" + k + "': " + e.getMessage());
            }
        }
        return k;
    }

    private static void checkOutputKeys(List<ExportItem> items) throws ExportException {
        Map<String, List<String>> sources = new LinkedHashMap<>();
        for (ExportItem i : items) {
            sources.computeIfAbsent(i.outputKey(), k -> new ArrayList<>()).add(i.sourceKey());
        }
        List<String> empty = sources.getOrDefault("", List.of());
        if (!empty.isEmpty()) {
            throw new ExportException("the output key of " + Keys.abbreviate(empty)
                    + " would be empty; use --rename to give it a name");
        }
        List<String> collisions = new ArrayList<>();
        sources.forEach((out, from) -> {
            if (from.size() > 1) {
                collisions.add(String.join(" and ", from) + " → '" + out + "'");
            }
        });
        if (!collisions.isEmpty()) {
            throw new ExportException("output keys collide: " + Keys.abbreviate(collisions));
        }
    }

    private static void checkWritable(Checkpoint source, List<ExportItem> items, ExportFormat format)
            throws ExportException {
        List<String> noData = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        for (ExportItem i : items) {
            TensorRef t = i.tensor();
            if (t.dtype().kind() == DType.Kind.BLOCK) {
                noData.add(i.sourceKey() + " (GGML " + t.dtype() + ", whose values are not decoded)");
            } else if (t.layout() != Layout.STRIDED) {
                noData.add(i.sourceKey() + " (" + t.layout().id() + ")");
            } else if (!t.isReadable() || !componentsReadable(t)) {
                noData.add(i.sourceKey() + (t.problems().isEmpty() ? " (no data)" : " (" + t.problems().get(0) + ")"));
            } else if (format == ExportFormat.SAFETENSORS && i.dtype().safetensorsCode().isEmpty()) {
                unsupported.add(i.sourceKey() + " (" + i.dtype() + ")");
            }
        }
        if (!noData.isEmpty()) {
            throw new ExportException(source.file() + ": cannot export " + Keys.abbreviate(noData)
                    + ": only dense tensors with data can be exported; --exclude them");
        }
        if (!unsupported.isEmpty()) {
            throw new ExportException("safetensors cannot hold " + Keys.abbreviate(unsupported)
                    + "; export them as .pth or --exclude them");
        }
    }

    /** The scales and zero points of a per-channel quantized tensor are written too, so they must be readable. */
    private static boolean componentsReadable(TensorRef t) {
        if (t.quantization() instanceof Quantization.PerChannel pc) {
            return pc.scales().isReadable() && pc.zeroPoints().isReadable();
        }
        return true;
    }

    private static List<String> sharedStorageWarnings(List<ExportItem> items) {
        Map<Storage, List<String>> byStorage = new IdentityHashMap<>();
        for (ExportItem i : items) {
            Storage s = i.tensor().storage();
            if (s != null && s.shareable()) {
                byStorage.computeIfAbsent(s, k -> new ArrayList<>()).add(i.outputKey());
            }
        }
        Set<String> warnings = new LinkedHashSet<>();
        for (List<String> keys : byStorage.values()) {
            if (keys.size() > 1) {
                warnings.add(Keys.abbreviate(keys) + " share one storage; safetensors holds each as its own copy");
            }
        }
        return List.copyOf(warnings);
    }

    /** The dtypes {@link ExportRequest#dtype()} may name. */
    public static Set<DType> conversionTargets() {
        return DTypeConversion.convertible();
    }
}
