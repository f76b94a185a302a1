package io.vitals.connector.typeform;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourcePage;
import io.vitals.model.SurveyResponse;

/**
 * Maps Typeform responses (items of the Responses API) to canonical survey responses: the score
 * question's number on its scale, the submission time, the comment question's text, and the
 * respondent by a hidden customer id and an e-mail address (the e-mail question's answer, else a
 * hidden field). A response that did not answer the score question is no survey answer: it goes
 * to the rejects with that reason, so it is counted and visible rather than silently dropped.
 */
final class TypeformMapping {

    /** Thrown with the one-line reason a response cannot be kept. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String source;
    private final TypeformForm.Score score;
    private final TypeformForm.Question emailQuestion;
    private final String emailHidden;
    private final String customerIdHidden;
    private final String customerSource;
    private final TypeformForm.Question commentQuestion;

    TypeformMapping(String source, TypeformForm.Score score, TypeformForm.Question emailQuestion, String emailHidden,
            String customerIdHidden, String customerSource, TypeformForm.Question commentQuestion) {
        this.source = source;
        this.score = score;
        this.emailQuestion = emailQuestion;
        this.emailHidden = emailHidden;
        this.customerIdHidden = customerIdHidden;
        this.customerSource = customerSource;
        this.commentQuestion = commentQuestion;
    }

    /** The token the Responses API pages on ({@code after}), or null. */
    static String token(JsonNode item) {
        String token = text(item, "token");
        return token != null ? token : text(item, "response_id");
    }

    /** Adds the response to the page, or its reason to the page's rejects. */
    void addTo(JsonNode item, SourcePage page) {
        String raw = item.toString();
        try {
            SurveyResponse r = map(item);
            page.response(r, respondent(item, r.respondentEmail()), raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        }
    }

    SurveyResponse map(JsonNode item) throws Unmappable {
        String id = text(item, "response_id");
        if (id == null) {
            id = text(item, "token");
        }
        if (id == null) {
            throw new Unmappable("response without a response_id or token");
        }
        String what = "response " + id;
        Instant submitted = time(item, "submitted_at", what);
        TypeformForm.Question q = score.question();
        JsonNode answer = answer(item, q);
        if (answer == null) {
            throw new Unmappable(what + ": the score question '" + q.name() + "' is not answered (no score, not a survey answer)");
        }
        JsonNode number = answer.path("number");
        if (!number.isNumber() || !(number.isIntegralNumber() || number.decimalValue().stripTrailingZeros().scale() <= 0)) {
            String given = number.isMissingNode() ? answer.path("type").asText("?") + " answer" : "'" + number.asText() + "'";
            throw new Unmappable(what + ": the score question '" + q.name() + "' answered " + given + ", not a whole number");
        }
        int value = number.asInt();
        if (value < score.min() || value > score.max()) {
            throw new Unmappable(what + ": score " + value + " is outside " + score.min() + ".." + score.max() + ", the scale of the "
                    + q.type() + " question '" + q.name() + "'");
        }
        String comment = commentQuestion == null ? null : answerText(answer(item, commentQuestion));
        try {
            return new SurveyResponse(0, source, id, null, email(item), score.type(), value, score.min(), score.max(), submitted,
                    comment);
        } catch (IllegalArgumentException e) {
            throw new Unmappable(what + ": " + e.getMessage());
        }
    }

    /** Who answered: the customer the hidden id names (falling back to the e-mail address), or by e-mail; null: nobody known. */
    CustomerKey respondent(JsonNode item, String email) {
        String customerId = customerIdHidden.isEmpty() ? null : text(item.path("hidden"), customerIdHidden);
        if (customerId != null) {
            return new CustomerKey(customerSource, customerId, email);
        }
        return email == null ? null : CustomerKey.email(email);
    }

    /** The e-mail question's answer, else the e-mail hidden field, else null. */
    String email(JsonNode item) {
        if (emailQuestion != null) {
            String answered = answerText(answer(item, emailQuestion));
            if (answered != null) {
                return answered;
            }
        }
        return emailHidden.isEmpty() ? null : text(item.path("hidden"), emailHidden);
    }

    /** The answer to a question, or null. */
    static JsonNode answer(JsonNode item, TypeformForm.Question q) {
        for (JsonNode a : item.path("answers")) {
            JsonNode field = a.path("field");
            String id = field.path("id").asText(null);
            String ref = field.path("ref").asText(null);
            if ((id != null && id.equals(q.id())) || (ref != null && ref.equals(q.ref()))) {
                return a;
            }
        }
        return null;
    }

    /** A text-like answer's value (text, email, url, phone_number), or null. */
    static String answerText(JsonNode answer) {
        if (answer == null) {
            return null;
        }
        String type = answer.path("type").asText("");
        JsonNode v = answer.path(type.isEmpty() ? "text" : type);
        if (!v.isValueNode() || v.isNull()) {
            return null;
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static Instant time(JsonNode item, String field, String what) throws Unmappable {
        String t = text(item, field);
        if (t == null) {
            throw new Unmappable(what + ": " + field + " is missing");
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException again) {
                throw new Unmappable(what + ": " + field + " '" + t + "' is not an ISO 8601 time such as 2026-01-10T12:02:00Z");
            }
        }
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
