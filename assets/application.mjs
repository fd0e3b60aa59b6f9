// Casetracker's only script, loaded as a module so the CSP can forbid inline script.
// GOV.UK Frontend's page template sets these classes with an inline script; we do it here.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
