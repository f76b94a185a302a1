package io.vitals.connector.tabular;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.vitals.model.BillingInterval;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.model.SurveyType;

/** Reads one field's text as its kind; a value that does not read throws {@link BadValue}. */
final class Values {

    private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern GROUPED_NUMBER = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+(\\.\\d*)?");
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+(\\.0*)?");
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

    static final List<String> INVOICE_STATUSES = List.of("paid", "open", "void", "uncollectible");
    static final List<String> INVOICE_KINDS = List.of("recurring", "one_off", "refund");
    static final List<String> PRIORITIES = List.of("low", "normal", "high", "urgent");

    private Values() {
    }

    /** Money in cents: "49.90" is 4990 when amounts are in major units, "4990" is 4990 in minor units. */
    static long amount(String text, boolean minor) throws BadValue {
        String t = text.trim().replace(" ", "").replace("\u00a0", "");
        BigDecimal value;
        if (minor) {
            if (!WHOLE.matcher(t).matches()) {
                throw new BadValue("is not an amount in cents (a whole number; amountsIn = minor)");
            }
            value = new BigDecimal(t);
        } else {
            if (GROUPED_NUMBER.matcher(t).matches()) {
                t = t.replace(",", "");
            } else if (!PLAIN_NUMBER.matcher(t).matches()) {
                throw new BadValue("is not an amount (e.g. 49.90)");
            }
            value = new BigDecimal(t);
            if (value.stripTrailingZeros().scale() > 2) {
                throw new BadValue("has more than two decimals");
            }
            value = value.movePointRight(2);
        }
        if (value.signum() < 0) {
            throw new BadValue("is negative");
        }
        try {
            return value.setScale(0).longValueExact();
        } catch (ArithmeticException e) {
            throw new BadValue("is too large");
        }
    }

    /** A whole number ("9", "9.0"). */
    static int integer(String text) throws BadValue {
        String t = text.trim();
        if (!WHOLE.matcher(t).matches()) {
            throw new BadValue("is not a whole number");
        }
        try {
            return new BigDecimal(t).setScale(0).intValueExact();
        } catch (ArithmeticException e) {
            throw new BadValue("is too large");
        }
    }

    static int count(String text, int min) throws BadValue {
        int v = integer(text);
        if (v < min) {
            throw new BadValue(min == 0 ? "is negative" : "is less than " + min);
        }
        return v;
    }

    /** Lower case, spaces and dashes as underscores: "Case Study" is case_study. */
    static String code(String text) throws BadValue {
        String c = normal(text);
        if (!CODE.matcher(c).matches()) {
            throw new BadValue("is not a name of letters, digits and underscores");
        }
        return c;
    }

    static BillingInterval interval(String text) throws BadValue {
        try {
            return BillingInterval.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadValue(notOneOf("day, week, month, quarter, year"));
        }
    }

    static String currency(String text) throws BadValue {
        String c = text.trim().toUpperCase(Locale.ROOT);
        try {
            Currency.getInstance(c);
        } catch (IllegalArgumentException e) {
            throw new BadValue("is not an ISO 4217 currency code (e.g. USD, EUR)");
        }
        return c;
    }

    static SurveyType surveyType(String text) throws BadValue {
        String c = normal(text);
        for (SurveyType t : SurveyType.values()) {
            if (t.code().equals(c)) {
                return t;
            }
        }
        throw new BadValue(notOneOf("nps, csat, ces"));
    }

    static DealKind dealKind(String text) throws BadValue {
        String c = normal(text);
        for (DealKind k : DealKind.values()) {
            if (k.code().equals(c)) {
                return k;
            }
        }
        throw new BadValue(notOneOf("new_business, upsell, cross_sell, renewal"));
    }

    static DealStage dealStage(String text) throws BadValue {
        String c = normal(text);
        for (DealStage s : DealStage.values()) {
            if (s.code().equals(c)) {
                return s;
            }
        }
        throw new BadValue(notOneOf("open, won, lost"));
    }

    static String oneOf(String text, List<String> allowed) throws BadValue {
        String c = normal(text);
        if (!allowed.contains(c)) {
            throw new BadValue(notOneOf(String.join(", ", allowed)));
        }
        return c;
    }

    private static String notOneOf(String allowed) {
        return "is not one of " + allowed;
    }

    private static String normal(String text) {
        return text.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }
}
