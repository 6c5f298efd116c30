/** Which stages a permission added by fix mode covers. */
export enum FixStageScope {
  /**
   * Only the stages that deploy the API in the app (`<api>/prod/GET/items`).
   * Least privilege; a stage added to the app later is covered by the next synth, because the fix
   * runs on every synth. Stages created outside the app (console, CLI) and the REST console's
   * `test-invoke-stage` are not covered.
   */
  EXACT_STAGES = 'EXACT_STAGES',
  /**
   * Every stage (`<api>/*\/GET/items`): stages created outside the app and the REST console's
   * "Test" button keep working; the method, path and API id stay scoped.
   */
  ALL_STAGES = 'ALL_STAGES',
}
