package io.vitals.kpi;

/** Echoing what a user typed into a message: short enough for one line. */
public final class Texts {

    /** Characters of a value a message repeats; the rest is elided with its length. */
    public static final int ECHOED = 80;

    private Texts() {
    }

    /** The text as a message may repeat it: its first {@link #ECHOED} characters, line breaks shown as \n. */
    public static String clip(String text) {
        return clip(text, ECHOED);
    }

    /** As {@link #clip(String)}, keeping {@code most} characters. */
    public static String clip(String text, int most) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n");
        if (oneLine.length() <= most) {
            return oneLine;
        }
        return oneLine.substring(0, most) + "... (" + text.length() + " characters)";
    }
}
