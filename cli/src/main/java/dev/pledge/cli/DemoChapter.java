package dev.pledge.cli;

import dev.pledge.stack.Stack;

/** One story of the demo: it says what to expect, runs, and checks what happened through the story. */
interface DemoChapter {
    /** The name {@code --chapter} takes. */
    String name();

    String title();

    void run(Stack stack, DemoStory story, Undo undo) throws Exception;
}
