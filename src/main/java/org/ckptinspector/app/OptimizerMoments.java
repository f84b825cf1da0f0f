package org.ckptinspector.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStatistics;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.training.TrainingState;

/**
 * The optimizer state that belongs to one model parameter ({@code exp_avg}, {@code exp_avg_sq},
 * {@code momentum_buffer}), found through the optimizers' parameter mapping; shown beside the weight.
 */
public final class OptimizerMoments {
    private OptimizerMoments() {}

    /**
     * One state tensor of a parameter.
     *
     * @param optimizer the optimizer's key ({@code optimizer_state_dict})
     * @param state the state's name ({@code exp_avg})
     * @param tensor the state tensor
     */
    public record Moment(String optimizer, String state, TensorRef tensor) {}

    /** A moment's statistics as facts and its histogram's bars (null for a tensor without values to bin). */
    public record Measured(Moment moment, List<Fact> facts, HistogramBars bars) {}

    /** The statistics of each moment, with {@code bins} histogram bins; call it off the window's thread. */
    public static List<Measured> measure(List<Moment> moments, int bins, TaskMonitor monitor) throws IOException {
        StatsOptions options = StatsOptions.DEFAULT.withBins(bins).withThreads(TaskRunner.analysisThreads());
        List<Measured> out = new ArrayList<>();
        for (Moment mo : moments) {
            TensorStats s = TensorStatistics.compute(mo.tensor(), options, monitor);
            out.add(new Measured(mo, StatisticsFacts.of(s),
                    s.histogram() == null ? null : HistogramBars.of(mo.state(), s.histogram())));
        }
        return out;
    }

    /** The parameter name of {@code weight} as the optimizer mapping names it, when it is a model parameter. */
    public static Optional<String> parameterName(TrainingState s, TensorRef weight) {
        if (!s.isParameter(weight)) {
            return Optional.empty();
        }
        String prefix = s.modelKey() == null ? "" : s.modelKey() + ".";
        return Optional.of(weight.key().startsWith(prefix) ? weight.key().substring(prefix.length()) : weight.key());
    }

    /**
     * The per-element state of {@code weight} in every optimizer whose ids are mapped (the {@code step} counter
     * left out), in file order; empty when the weight is no model parameter or no mapping names it.
     */
    public static List<Moment> of(Checkpoint c, TrainingState s, TensorRef weight) {
        Optional<String> name = parameterName(s, weight);
        List<Moment> out = new ArrayList<>();
        if (name.isEmpty()) {
            return out;
        }
        for (TensorRef t : c.tensors()) {
            s.role(t).filter(r -> name.get().equals(r.param()) && !r.state().equals("step")).ifPresent(r -> {
                String optimizer = s.optimizers().stream().filter(o -> t.key().startsWith(o.key() + "."))
                        .map(TrainingState.Optimizer::key).findFirst().orElse("");
                out.add(new Moment(optimizer, r.state(), t));
            });
        }
        return out;
    }

    /**
     * Why {@code weight} shows no moments although the file has optimizer state (the mapping is ambiguous, say),
     * or empty when there is nothing to explain.
     */
    public static Optional<String> whyNone(TrainingState s, TensorRef weight) {
        if (s.optimizers().isEmpty() || parameterName(s, weight).isEmpty()) {
            return Optional.empty();
        }
        for (TrainingState.Optimizer o : s.optimizers()) {
            if (o.mapping().names().isEmpty()) {
                return Optional.of("The optimizer's parameters in " + o.key() + " are " + o.mapping().status().id()
                        + (o.mapping().reason() == null ? "" : ": " + o.mapping().reason()) + ".");
            }
        }
        return Optional.of("The optimizer holds no state for this parameter (it had no gradient, or is frozen).");
    }
}
