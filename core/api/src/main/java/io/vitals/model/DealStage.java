package io.vitals.model;

import java.util.Locale;

public enum DealStage {
    OPEN, WON, LOST;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
