package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One answer to a survey, with the scale it was asked on. {@code customerId} is {@code null} when
 * the respondent could not be matched to a customer; such responses are kept, not dropped.
 */
public record SurveyResponse(long id, String source, String externalId, Long customerId, String respondentEmail,
        SurveyType type, int score, int scaleMin, int scaleMax, Instant answeredAt, String comment) {

    public SurveyResponse {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(answeredAt, "answeredAt");
        if (scaleMin >= scaleMax) {
            throw new IllegalArgumentException("scale " + scaleMin + ".." + scaleMax + " is empty");
        }
        if (score < scaleMin || score > scaleMax) {
            throw new IllegalArgumentException("score " + score + " is outside its scale " + scaleMin + ".." + scaleMax);
        }
    }
}
