package org.ckptinspector.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ParallelUnitsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void resultsComeInUnitOrderWhateverThreadRanThem() throws IOException {
        List<ParallelUnits.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int value = i;
            tasks.add(() -> {
                LockSupport.parkNanos((64 - value) * 20_000L);
                return value;
            });
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            expected.add(i);
        }
        assertEquals(expected, ParallelUnits.map(tasks, 4, TaskMonitor.NONE));
        assertEquals(expected, ParallelUnits.map(tasks, 1, TaskMonitor.NONE));
    }

    @Test
    void nestedRunsStayOnTheThreadOfTheirUnit() throws IOException {
        AtomicInteger nestedUnits = new AtomicInteger();
        AtomicInteger elsewhere = new AtomicInteger();
        List<ParallelUnits.Unit<Void>> outer = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            outer.add(none -> {
                Thread own = Thread.currentThread();
                List<ParallelUnits.Unit<Void>> inner = new ArrayList<>();
                for (int j = 0; j < 8; j++) {
                    inner.add(x -> {
                        nestedUnits.incrementAndGet();
                        if (Thread.currentThread() != own) {
                            elsewhere.incrementAndGet();
                        }
                    });
                }
                ParallelUnits.run(inner, 8, () -> null, TaskMonitor.NONE);
            });
        }
        ParallelUnits.run(outer, 8, () -> null, TaskMonitor.NONE);
        assertEquals(16 * 8, nestedUnits.get());
        assertEquals(0, elsewhere.get(), "nested units ran on other threads");
    }

    @Test
    void aCancelledMonitorStopsTheRemainingUnitsPromptly() {
        AtomicBoolean cancelled = new AtomicBoolean();
        TaskMonitor monitor = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {}

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        AtomicInteger started = new AtomicInteger();
        List<ParallelUnits.Unit<Void>> units = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            units.add(none -> {
                if (started.incrementAndGet() == 5) {
                    cancelled.set(true);
                }
                LockSupport.parkNanos(1_000_000);
            });
        }
        long t0 = System.nanoTime();
        assertThrows(CancelledException.class, () -> ParallelUnits.run(units, 4, () -> null, monitor));
        assertTrue(started.get() <= 5 + 4, "units started after the cancel: " + started.get());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void anInterruptOfTheCallerStopsTheRun() throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        List<ParallelUnits.Unit<Void>> units = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            units.add(none -> {
                started.incrementAndGet();
                running.countDown();
                LockSupport.parkNanos(1_000_000);
            });
        }
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                ParallelUnits.run(units, 4, () -> null, TaskMonitor.NONE);
            } catch (Throwable t) {
                thrown.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(caller.isAlive(), "the run did not stop");
        assertTrue(thrown.get() instanceof CancelledException, "thrown: " + thrown.get());
        assertTrue(stillInterrupted.get(), "the interrupt was swallowed");
        assertTrue(started.get() < units.size());
    }

    @Test
    void theFirstFailureReachesTheCallerAsItWasThrown() {
        NoSuchFileException io = new NoSuchFileException("gone.pt");
        List<ParallelUnits.Unit<Void>> units = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int at = i;
            units.add(none -> {
                LockSupport.parkNanos(200_000);
                if (at == 37) {
                    throw io;
                }
            });
        }
        assertSame(io, assertThrows(NoSuchFileException.class,
                () -> ParallelUnits.run(units, 4, () -> null, TaskMonitor.NONE)));

        IllegalStateException bug = new IllegalStateException("bug");
        List<ParallelUnits.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int at = i;
            tasks.add(() -> {
                if (at == 50) {
                    throw bug;
                }
                return at;
            });
        }
        assertSame(bug, assertThrows(IllegalStateException.class,
                () -> ParallelUnits.map(tasks, 4, TaskMonitor.NONE)));
    }

    @Test
    void poolThreadsAreReusedAcrossRuns() throws IOException {
        Set<Thread> helpers = ConcurrentHashMap.newKeySet();
        for (int run = 0; run < 50; run++) {
            Thread caller = Thread.currentThread();
            List<ParallelUnits.Unit<Void>> units = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                units.add(none -> {
                    LockSupport.parkNanos(500_000);
                    if (Thread.currentThread() != caller) {
                        helpers.add(Thread.currentThread());
                    }
                });
            }
            ParallelUnits.run(units, 3, () -> null, TaskMonitor.NONE);
        }
        assertFalse(helpers.isEmpty(), "no unit ran on a pool thread");
        assertTrue(helpers.size() <= CORES, helpers.size() + " helper threads over 50 runs");
        assertTrue(helpers.stream().allMatch(Thread::isDaemon), "a pool thread would keep the JVM alive");
    }
}
