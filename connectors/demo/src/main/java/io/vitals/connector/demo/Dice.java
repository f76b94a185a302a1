package io.vitals.connector.demo;

import java.util.SplittableRandom;

/** The random draws the demo dataset needs, from one seeded generator so a run can be repeated exactly. */
final class Dice {

    private final SplittableRandom random;

    Dice(long seed) {
        this.random = new SplittableRandom(seed);
    }

    double uniform() {
        return random.nextDouble();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** An integer in [min, max]. */
    int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    double gaussian() {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = Math.max(random.nextDouble(), 1e-12);
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Log-normally distributed around {@code median}; {@code sigma} sets how long the tail is. */
    double lognormal(double median, double sigma) {
        return median * Math.exp(sigma * gaussian());
    }

    /** A Poisson count with mean {@code lambda} (normal approximation above 50). */
    int poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 50) {
            return Math.max(0, (int) Math.round(lambda + Math.sqrt(lambda) * gaussian()));
        }
        double limit = Math.exp(-lambda);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    /** Index of the weight picked, in proportion to the weights. */
    int pick(double... weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    <T> T pick(T[] values, double... weights) {
        return values[pick(weights)];
    }

    <T> T any(T[] values) {
        return values[random.nextInt(values.length)];
    }
}
