package io.vitals.model;

import java.util.Locale;

/** The survey a response answers. */
public enum SurveyType {
    NPS, CSAT, CES;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
