package io.vitals.shell;

/**
 * A command that cannot do what was asked. Gogo prints an exception with {@code toString()}, and
 * a one-shot {@code bin/vitals} prints it on standard error and exits non-zero; either way the user
 * sees one line that says what was wrong and what would be right, not a class name.
 */
public final class CommandError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandError(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return "error: " + getMessage();
    }
}
