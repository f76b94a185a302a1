package io.vitals.kpi;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every KPI installed in the running platform, tracked as KPI services come and go. This is the
 * object an embedding host is handed.
 */
@ProviderType
public interface KpiRegistry {

    /** The installed KPIs, ordered by catalogue category and then id. */
    List<KpiInfo> list();

    Optional<KpiInfo> find(String id);

    /** @throws UnknownKpiException when no installed KPI has this id */
    KpiResult compute(String id, KpiQuery query);

    /** @throws UnknownKpiException when no installed KPI has this id */
    KpiSeries series(String id, KpiQuery query, Grain grain);

    /** The customers behind a KPI's number. @throws UnknownKpiException when no installed KPI has this id */
    KpiTable customers(String id, KpiQuery query, DrillDown drillDown);

    /**
     * KPIs another KPI of the same id outranks: of two bundles the higher version (then the later
     * install), otherwise the newer (file time or install time). Removing the winner brings them back.
     */
    List<ShadowedKpi> shadowed();

    /** KPI files that could not be loaded, with the reason and the line. */
    List<KpiProblem> problems();
}
