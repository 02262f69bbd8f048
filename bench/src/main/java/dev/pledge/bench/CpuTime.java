package dev.pledge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Stack;

/**
 * CPU time (user and system) each process of the stack has used, read from {@code /proc/<pid>/stat}: a
 * process's own, its finished children's, and its running children's (a PostgreSQL server's backends). The
 * benchmark itself is one more entry ({@value #BENCH}): its clients and the baselines it runs in-process. On
 * a machine without {@code /proc} the reading is empty and no CPU figures are reported.
 */
final class CpuTime {
    static final String BENCH = "bench";
    /** Linux's clock ticks per second for {@code /proc} times (USER_HZ), 100 on every common architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private CpuTime() {
    }

    /** Microseconds of CPU per component name, for every component that is running. */
    static Map<String, Long> read(Stack stack) {
        Map<String, Long> micros = new LinkedHashMap<>();
        for (ManagedProcess p : stack.components()) {
            OptionalLong pid = p.runningPid();
            if (pid.isPresent()) {
                ticks(pid.getAsLong()).ifPresent(t -> micros.put(p.name(), t * 1_000_000 / TICKS_PER_SECOND));
            }
        }
        ticks(ProcessHandle.current().pid()).ifPresent(t -> micros.put(BENCH, t * 1_000_000 / TICKS_PER_SECOND));
        return micros;
    }

    /** A process's ticks with its children's, finished and running. */
    private static OptionalLong ticks(long pid) {
        OptionalLong own = statTicks(pid);
        if (own.isEmpty()) {
            return own;
        }
        long all = own.getAsLong();
        for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(java.util.List.of())) {
            all += statTicks(child.pid()).orElse(0);
        }
        return OptionalLong.of(all);
    }

    /** utime + stime + cutime + cstime of one process, or empty when it cannot be read. */
    static OptionalLong statTicks(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Fields 14 to 17 of a stat line; the command name (field 2) may hold spaces and parentheses. */
    static OptionalLong parse(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): utime, stime, cutime and cstime are fields 14 to 17
        return OptionalLong.of(Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }
}
