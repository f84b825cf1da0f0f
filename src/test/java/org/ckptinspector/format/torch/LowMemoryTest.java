package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs every {@link HostileInputTest} case again in a fresh JVM with a 256 MB heap and a 512 KB thread stack,
 * proving the limits hold before memory or stack run out.
 */
class LowMemoryTest {

    @Test
    void hostileInputInA256MegabyteJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                LowMemoryTest.class.getName()).redirectErrorStream(true).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "timed out: " + out);
        assertFalse(out.contains("OutOfMemoryError") || out.contains("StackOverflowError"), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("passed " + testMethods().size() + " of " + testMethods().size()), out);
    }

    /** Child JVM: runs each HostileInputTest case and prints what failed. */
    public static void main(String[] args) throws Exception {
        int passed = 0;
        List<Method> tests = testMethods();
        for (Method m : tests) {
            Path dir = Files.createTempDirectory("hostile-lowmem");
            try {
                HostileInputTest t = new HostileInputTest();
                t.dir = dir;
                m.setAccessible(true);
                m.invoke(t);
                passed++;
            } catch (java.lang.reflect.InvocationTargetException e) {
                System.out.println("FAILED " + m.getName() + ": " + e.getCause());
            } finally {
                deleteTree(dir);
            }
        }
        System.out.println("passed " + passed + " of " + tests.size());
        System.exit(passed == tests.size() ? 0 : 1);
    }

    private static List<Method> testMethods() {
        List<Method> out = new ArrayList<>();
        for (Method m : HostileInputTest.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                out.add(m);
            }
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
