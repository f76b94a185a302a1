package io.vitals.benchmark;

/** BENCHMARKS.md as it is written, echoed to the console so a long run shows where it is. */
final class Markdown {

    private final StringBuilder text = new StringBuilder();

    Markdown line(String line) {
        text.append(line).append('\n');
        System.out.println(line);
        return this;
    }

    Markdown line() {
        return line("");
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
