package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.launcher.VitalsRuntime;

/**
 * The dashboard in headless Chromium (Debian's, through its chromedriver: Selenium Manager downloads
 * nothing): the NPS tile shows what kpi:compute nps shows, the period and a segment change the
 * numbers as the shell says they should, a KPI page opens with its series, definition and customers.
 * Screenshots land in target/ for a person to look at.
 */
final class DashboardBrowser {

    private DashboardBrowser() {
    }

    /** A headless Chromium through Debian's chromedriver. */
    static WebDriver open() {
        Tools.requireBrowser();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Tools.CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,3000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(Tools.CHROMEDRIVER))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * A closed month's restated figure is marked on its tile (for all customers) and on its KPI's series:
     * the tile's mark names what was published and what it is now, the KPI page lists it.
     */
    static void checkRestated(String base, String kpi, String month, String expectedText, String unchangedKpi) {
        WebDriver browser = open();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
            java.time.YearMonth m = java.time.YearMonth.parse(month);
            String period = "kind=month&from=" + m.atDay(1) + "&to=" + m.plusMonths(1).atDay(1);
            browser.get(base + "/#" + period);
            wait.until(d -> "ready".equals(state(d)) || "error".equals(state(d)));
            assertEquals("ready", state(browser), () -> browser.findElement(By.id("status")).getText());
            WebElement tile = browser.findElement(By.cssSelector(".tile[data-kpi=" + kpi + "]"));
            assertEquals(month, tile.getAttribute("data-restated"));
            String mark = tile.findElement(By.cssSelector(".restated-mark")).getAttribute("title");
            assertTrue(mark.startsWith(expectedText), mark);
            assertTrue(browser.findElement(By.cssSelector(".tile[data-kpi=" + unchangedKpi + "]")).getAttribute("data-restated") == null,
                    unchangedKpi + " was not restated");

            browser.get(base + "/#kpi=" + kpi + "&" + period);
            browser.navigate().refresh();
            wait.until(d -> "ready".equals(state(d)) && d.findElement(By.id("kpi-page")).isDisplayed()
                    && !d.findElement(By.id("kpi-summary")).getText().isEmpty());
            assertEquals(month, browser.findElement(By.id("series-chart")).getAttribute("data-restated"));
            String listed = browser.findElement(By.cssSelector("#kpi-restatements .restatement[data-month='" + month + "']")).getText();
            assertTrue(listed.startsWith(expectedText), listed);
        } finally {
            browser.quit();
        }
    }

    static void check(String base, VitalsRuntime vitals, Path screenshots) throws Exception {
        WebDriver browser = open();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
            browser.get(base + "/");
            wait.until(d -> "ready".equals(state(d)) || "error".equals(state(d)));
            assertEquals("ready", state(browser), () -> browser.findElement(By.id("status")).getText());

            // the NPS tile shows the number kpi:compute nps shows
            assertEquals(shellValue(vitals, "kpi:compute nps"), tileText(browser, "nps"));
            assertEquals(json(vitals, "kpi:compute nps --format json").get("value").asDouble(), tileValue(browser, "nps"), 1e-9);
            assertTrue(browser.findElements(By.cssSelector(".tile")).size() >= CatalogueIT.SHIPPED.size());
            for (String chart : List.of("chart-mrr", "chart-nps", "chart-cohorts", "chart-health")) {
                assertFalse(browser.findElements(By.cssSelector("#" + chart + " canvas")).isEmpty(), chart + " drawn");
            }
            assertFalse(browser.findElements(By.cssSelector("#at-risk tbody tr")).isEmpty(), "the at-risk list");
            wait.until(d -> "done".equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.sparklines")));
            save(browser, screenshots.resolve("dashboard-home.png"));

            // another period: March 2026
            new Select(browser.findElement(By.id("period-kind"))).selectByValue("month");
            ((JavascriptExecutor) browser).executeScript("document.getElementById('period-month').value = '2026-03'");
            browser.findElement(By.id("apply")).click();
            wait.until(d -> "ready".equals(state(d)) && d.findElement(By.id("title")).getText().contains("2026-03-01 to 2026-04-01"));
            assertEquals(json(vitals, "kpi:compute nps --from 2026-03-01 --to 2026-04-01 --format json").get("value").asDouble(),
                    tileValue(browser, "nps"), 1e-9);

            // and a segment: plan pro
            new Select(browser.findElement(By.cssSelector("select.segment[data-key=plan]"))).selectByValue("pro");
            browser.findElement(By.id("apply")).click();
            wait.until(d -> "ready".equals(state(d)) && d.findElement(By.id("title")).getText().contains("plan=pro"));
            JsonNode pro = json(vitals, "kpi:compute nps --from 2026-03-01 --to 2026-04-01 --segment plan=pro --format json");
            assertEquals(pro.get("value").asDouble(), tileValue(browser, "nps"), 1e-9);
            assertEquals(shellValue(vitals, "kpi:compute nps --from 2026-03-01 --to 2026-04-01 --segment plan=pro"), tileText(browser, "nps"));

            // the KPI page
            browser.findElement(By.cssSelector(".tile[data-kpi=nps]")).click();
            wait.until(d -> "ready".equals(state(d)) && d.findElement(By.id("kpi-page")).isDisplayed()
                    && !d.findElement(By.id("kpi-summary")).getText().isEmpty());
            assertEquals("Net Promoter Score (nps)", browser.findElement(By.id("kpi-name")).getText());
            assertFalse(browser.findElement(By.id("formula")).getText().isBlank(), "the formula in force");
            assertFalse(browser.findElements(By.cssSelector("#series-chart canvas")).isEmpty(), "the series chart");
            assertEquals(pro.get("value").asDouble(),
                    Double.parseDouble(browser.findElement(By.cssSelector("#kpi-summary .value")).getAttribute("data-value")), 1e-9);
            JsonNode detractors = json(vitals, "kpi:customers nps --from 2026-03-01 --to 2026-04-01 --segment plan=pro --limit 200 --format json");
            assertEquals(detractors.get("rows").size(), browser.findElements(By.cssSelector("#customers-table tbody tr")).size());
            String csv = browser.findElement(By.id("csv-download")).getAttribute("href");
            assertTrue(csv.contains("/api/kpis/nps/customers?") && csv.contains("format=csv"), csv);
            save(browser, screenshots.resolve("dashboard-kpi-nps.png"));
        } finally {
            browser.quit();
        }
    }

    private static Object state(WebDriver d) {
        return ((JavascriptExecutor) d).executeScript("return document.body.dataset.state");
    }

    private static String tileText(WebDriver browser, String kpi) {
        return browser.findElement(By.cssSelector(".tile[data-kpi=" + kpi + "] .value")).getText();
    }

    private static double tileValue(WebDriver browser, String kpi) {
        WebElement tile = browser.findElement(By.cssSelector(".tile[data-kpi=" + kpi + "]"));
        return Double.parseDouble(tile.getAttribute("data-value"));
    }

    /** The value line of the shell's text answer ("  value        25.0"). */
    private static String shellValue(VitalsRuntime vitals, String command) {
        VitalsRuntime.CommandOutcome out = vitals.execute(command);
        assertTrue(out.succeeded(), out.failureMessage());
        return out.output().lines().filter(l -> l.strip().startsWith("value ")).map(l -> l.strip().substring(5).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no value line in: " + out.output()));
    }

    private static JsonNode json(VitalsRuntime vitals, String command) throws Exception {
        VitalsRuntime.CommandOutcome out = vitals.execute(command);
        assertTrue(out.succeeded(), out.failureMessage());
        return new ObjectMapper().readTree(out.output());
    }

    private static void save(WebDriver browser, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
