package org.ckptinspector.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStats;

/** The statistics computed lately, so going back to a tensor shows them at once. One thread only. */
public final class StatsCache {
    private static final int CAPACITY = 64;

    private record Key(TensorRef tensor, StatsOptions options) {}

    private final Map<Key, TensorStats> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, TensorStats> eldest) {
            return size() > CAPACITY;
        }
    };

    public TensorStats get(TensorRef t, StatsOptions o) {
        return entries.get(new Key(t, o));
    }

    public void put(TensorRef t, StatsOptions o, TensorStats s) {
        entries.put(new Key(t, o), s);
    }
}
