package io.vitals.alerts;

import io.vitals.alert.Alert;
import io.vitals.connector.RetryPolicy;

/** Somewhere an alert goes: the log, or a webhook. */
interface Channel {

    String name();

    /** How often, and how far apart, a failed delivery is tried again. */
    RetryPolicy retry();

    /** Delivers one alert, or throws with a reason that holds no secret. */
    void deliver(Alert alert) throws Exception;
}
