package dev.pledge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pledge.stack.FileTrees;

/** Fresh state directories for test processes, under the module's target directory. */
public final class StateDirs {
    private StateDirs() {
    }

    /**
     * An empty directory for one test process, named after this JVM's PID so that a directory left by an
     * earlier, killed test run is never shared with it.
     */
    public static Path fresh(String name) {
        Path dir = PledgeHome.testState(name + "-" + ProcessHandle.current().pid());
        try {
            FileTrees.delete(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + dir, e);
        }
    }
}
