package io.vitals.connector.typeform;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.SourceException;
import io.vitals.model.SurveyType;

/**
 * A form's definition as the Create API gives it ({@code GET /forms/{form_id}}): its questions,
 * including those inside question groups, and the scale of the score question.
 *
 * <ul>
 * <li>{@code nps}: 0..10.</li>
 * <li>{@code opinion_scale}: {@code steps} points (11 when not given) from 0, or from 1 with
 * {@code start_at_one}: 0..steps-1 or 1..steps.</li>
 * <li>{@code rating}: 1..steps (5 when not given).</li>
 * </ul>
 */
final class TypeformForm {

    /** A question: its id, its ref (may be null) and its type. */
    record Question(String id, String ref, String type, JsonNode properties) {
        String name() {
            return ref != null ? ref : id;
        }

        boolean is(String key) {
            return key.equals(id) || key.equals(ref);
        }
    }

    /** The score question, its scale and the survey type it measures. */
    record Score(Question question, int min, int max, SurveyType type) {
    }

    private final String formId;
    private final List<Question> questions = new ArrayList<>();

    TypeformForm(String formId, JsonNode form) {
        this.formId = formId;
        collect(form.path("fields"));
    }

    private void collect(JsonNode fields) {
        for (JsonNode f : fields) {
            String id = f.path("id").asText("");
            String ref = f.path("ref").isTextual() && !f.path("ref").asText().isBlank() ? f.path("ref").asText() : null;
            questions.add(new Question(id, ref, f.path("type").asText(""), f.path("properties")));
            JsonNode nested = f.path("properties").path("fields"); // a question group's questions
            if (nested.isArray()) {
                collect(nested);
            }
        }
    }

    List<Question> questions() {
        return questions;
    }

    /** The question a key names, or null for an empty key. @throws SourceException when the form has none such */
    Question question(String what, String key) throws SourceException {
        if (key == null || key.isEmpty()) {
            return null;
        }
        for (Question q : questions) {
            if (q.is(key)) {
                return q;
            }
        }
        throw new SourceException(what + " '" + key + "' is no question of form " + formId + "; its questions (ref or id, type): "
                + describe());
    }

    /** The score question with its scale. @throws SourceException when it is missing, not a numeric scale, or its survey type unknown */
    Score score(String key, SurveyType configured) throws SourceException {
        Question q = question("scoreField", key);
        JsonNode p = q.properties();
        int min;
        int max;
        switch (q.type()) {
            case "nps" -> {
                min = 0;
                max = 10;
            }
            case "opinion_scale" -> {
                int steps = p.path("steps").asInt(11);
                min = p.path("start_at_one").asBoolean(false) ? 1 : 0;
                max = min + steps - 1;
            }
            case "rating" -> {
                min = 1;
                max = p.path("steps").asInt(5);
            }
            default -> throw new SourceException("scoreField '" + key + "' is a question of type " + q.type() + " in form " + formId
                    + "; the score must come from an opinion_scale, rating or nps question");
        }
        if (max <= min) {
            throw new SourceException("scoreField '" + key + "' of form " + formId + " has a scale of " + min + ".." + max
                    + " (its steps: " + p.path("steps").asText() + "); a score needs at least two points");
        }
        SurveyType type = configured;
        if (type == null) {
            if (!q.type().equals("nps")) {
                throw new SourceException("surveyType is required: scoreField '" + key + "' is a question of type " + q.type()
                        + " on " + min + ".." + max + ", not Typeform's nps question; say what it measures: surveyType = nps, csat"
                        + " or ces");
            }
            type = SurveyType.NPS;
        }
        return new Score(q, min, max, type);
    }

    private String describe() {
        List<String> all = new ArrayList<>();
        for (Question q : questions) {
            all.add(q.name() + " (" + q.type() + ")");
        }
        return all.isEmpty() ? "none" : String.join(", ", all);
    }
}
