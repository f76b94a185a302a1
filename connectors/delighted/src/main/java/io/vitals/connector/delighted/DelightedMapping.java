package io.vitals.connector.delighted;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourcePage;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;

/**
 * Maps Delighted survey responses to canonical survey responses, with the scale of each survey
 * type, and names the respondent by customer id (a person property, when configured) and e-mail.
 *
 * <table>
 * <caption>Delighted survey types</caption>
 * <tr><th>survey_type</th><th>Vitals</th><th>scale</th></tr>
 * <tr><td>nps</td><td>nps</td><td>0..10</td></tr>
 * <tr><td>csat</td><td>csat</td><td>1..5</td></tr>
 * <tr><td>ces</td><td>ces</td><td>1..7 (or 1..5 with cesScale = 5)</td></tr>
 * <tr><td>5star, smileys</td><td>csat</td><td>1..5</td></tr>
 * <tr><td>thumbs</td><td>csat</td><td>0..1 (down, up): kept on its own scale; the CSAT KPI counts only its configured scale</td></tr>
 * <tr><td>enps, pmf</td><td>rejected</td><td>employee NPS is no customer survey; PMF's 1..3 "how disappointed" is no satisfaction scale</td></tr>
 * </table>
 */
final class DelightedMapping {

    /** A Delighted survey type as Vitals keeps it. */
    record Kind(SurveyType type, int min, int max, String name) {
    }

    private final String source;
    private final Set<SurveyType> types;
    private final int cesScale;
    private final String customerSource;
    private final String customerIdProperty;

    DelightedMapping(String source, Set<SurveyType> types, int cesScale, String customerSource, String customerIdProperty) {
        this.source = source;
        this.types = types;
        this.cesScale = cesScale;
        this.customerSource = customerSource;
        this.customerIdProperty = customerIdProperty;
    }

    /** Thrown with the one-line reason a response cannot be kept. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The Vitals survey type and scale of a Delighted survey type. */
    Kind kind(String surveyType) throws Unmappable {
        String t = surveyType.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "nps" -> new Kind(SurveyType.NPS, 0, 10, t);
            case "csat" -> new Kind(SurveyType.CSAT, 1, 5, t);
            case "ces" -> new Kind(SurveyType.CES, 1, cesScale, t);
            case "5star", "five_star", "5_star", "smileys", "smiley" -> new Kind(SurveyType.CSAT, 1, 5, t);
            case "thumbs" -> new Kind(SurveyType.CSAT, 0, 1, t);
            case "enps" -> throw new Unmappable("survey_type 'enps' is employee NPS, not a customer survey; Vitals keeps customer"
                    + " nps, csat and ces");
            case "pmf" -> throw new Unmappable("survey_type 'pmf' (product-market fit, 1..3 'how disappointed') is no nps, csat or"
                    + " ces measure; Vitals keeps nps, csat and ces");
            default -> throw new Unmappable("survey_type '" + surveyType + "' is not one Vitals knows (nps, csat, ces, 5star,"
                    + " smileys, thumbs)");
        };
    }

    /** Adds the response to the page, or its reason to the page's rejects; a response of a type not kept is passed over. */
    void addTo(JsonNode r, SourcePage page) {
        String raw = r.toString();
        try {
            SurveyResponse response = map(r);
            if (response != null) {
                page.response(response, respondent(r), raw);
            }
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        }
    }

    /** The canonical response, or null for a survey type this source does not keep. */
    SurveyResponse map(JsonNode r) throws Unmappable {
        String id = text(r, "id");
        if (id == null) {
            throw new Unmappable("survey response without an id");
        }
        String what = "response " + id;
        String surveyType = text(r, "survey_type");
        if (surveyType == null) {
            throw new Unmappable(what + ": survey_type is missing");
        }
        Kind kind;
        try {
            kind = kind(surveyType);
        } catch (Unmappable e) {
            throw new Unmappable(what + ": " + e.getMessage());
        }
        if (!types.contains(kind.type())) {
            return null;
        }
        JsonNode score = r.path("score");
        if (score.isMissingNode() || score.isNull()) {
            throw new Unmappable(what + ": score is missing");
        }
        if (!score.isIntegralNumber() && !(score.isNumber() && score.decimalValue().stripTrailingZeros().scale() <= 0)) {
            throw new Unmappable(what + ": score '" + score.asText() + "' is not a whole number");
        }
        int value = score.asInt();
        if (value < kind.min() || value > kind.max()) {
            throw new Unmappable(what + ": score " + value + " is outside " + kind.min() + ".." + kind.max() + ", the scale of"
                    + " Delighted's " + kind.name() + " survey");
        }
        JsonNode created = r.path("created_at");
        if (!created.isIntegralNumber()) {
            throw new Unmappable(what + ": created_at " + (created.isMissingNode() || created.isNull() ? "is missing"
                    : "'" + created.asText() + "' is not a Unix timestamp"));
        }
        String comment = text(r, "comment");
        try {
            return new SurveyResponse(0, source, id, null, email(r), kind.type(), value, kind.min(), kind.max(),
                    Instant.ofEpochSecond(created.asLong()), comment);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new Unmappable(what + ": " + e.getMessage());
        }
    }

    /** Who answered: the customer named by the id property (falling back to the e-mail address), or by e-mail; null: nobody known. */
    CustomerKey respondent(JsonNode r) {
        String email = email(r);
        String customerId = customerIdProperty.isEmpty() ? null : text(r.path("person_properties"), customerIdProperty);
        if (customerId != null) {
            return new CustomerKey(customerSource, customerId, email);
        }
        return email == null ? null : CustomerKey.email(email);
    }

    /** The respondent's e-mail address, from the expanded person ({@code expand[]=person}). */
    static String email(JsonNode r) {
        JsonNode person = r.path("person");
        return person.isObject() ? text(person, "email") : null;
    }

    /** A field as text, or null when absent, null or blank. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }
}
