package dev.pledge.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * How the demo speaks: a chapter's heading, what to expect, what happened (each expectation checked and
 * marked), and the commands that show more. It keeps the expectations that did not hold, per chapter.
 */
final class DemoStory {
    private static final int WIDTH = 100;

    private final PrintStream out;
    private final String dashboard;
    private final List<String> failures = new ArrayList<>();

    DemoStory(PrintStream out, String dashboard) {
        this.out = out;
        this.dashboard = dashboard;
    }

    void heading(int number, int of, String title) {
        String line = "== Chapter " + number + " of " + of + ": " + title + " ";
        out.println();
        out.println(line + "=".repeat(Math.max(3, WIDTH - line.length())));
        out.println("Watch it live on the dashboard: " + dashboard + "/ (each order below has its own link)");
    }

    void section(String title) {
        out.println();
        out.println("-- " + title);
    }

    /** What the reader should see happen, said before it happens. */
    void expect(String... lines) {
        out.println("Expect:");
        for (String l : lines) {
            out.println("  " + l);
        }
    }

    void say(String line) {
        out.println(line);
    }

    void printf(String format, Object... args) {
        out.printf(format, args);
    }

    /** The dashboard page of a 2PC/3PC transaction or of a saga. */
    String link(String kind, String id) {
        return dashboard + "/#" + kind + "/" + id;
    }

    /** One expectation, checked: printed with its verdict and kept when it failed. */
    boolean check(boolean holds, String what) {
        out.println("  " + (holds ? "ok     " : "NOT OK ") + what);
        if (!holds) {
            failures.add(what);
        }
        return holds;
    }

    /** An expectation that could not be checked because the chapter stopped. */
    void stopped(String chapter, Exception e) {
        String why = e.getMessage() == null ? "stopped without a message; see ./pledge logs coordinator" : e.getMessage();
        out.println("  NOT OK the chapter stopped: " + why);
        failures.add(chapter + " stopped: " + why);
    }

    void more(String... commands) {
        out.println("See more:");
        for (String c : commands) {
            out.println("  " + c);
        }
    }

    int failureCount() {
        return failures.size();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }
}
