// Generated from openapi.yaml by scripts/generate-client.ts (`npm run openapi:client`): do not edit.
// test/unit/client/client-types.test.ts fails when this file and the spec disagree.
export interface paths {
    "/liveness": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The process answers
         * @description Always `{}` with 200 while the HTTP server runs.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readiness": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The service can do its work
         * @description 200 when the database answers and migrations are applied; 503 otherwise.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document, as YAML
         * @description The OpenAPI 3.1 description of the API, as served (including loaded handlers).
         */
        get: operations["getOpenApiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document, as JSON
         * @description The same document as JSON; Swagger UI reads this one.
         */
        get: operations["getOpenApiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Swagger UI
         * @description Swagger UI for this document; `/` redirects here.
         */
        get: operations["getSwaggerUi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Swagger UI (redirect)
         * @description Redirects to `/api/v1/ui/`, as the seed service's `/api/v1/ui` did.
         */
        get: operations["redirectSwaggerUi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A file of Swagger UI
         * @description Swagger UI's scripts, styles and icons (from swagger-ui-dist), and its initializer pointing at this document.
         */
        get: operations["getSwaggerUiFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether the scheduler runs
         * @description `running`, or `paused` when nothing is started (runs due meanwhile misfire or coalesce when resumed).
         */
        get: operations["getServiceState"];
        /**
         * Pause or resume the scheduler
         * @description Pauses or resumes every job at once (admin tokens only). The seed service's form, `?state=paused|running`.
         */
        put: operations["setServiceState"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List jobs
         * @description The jobs the caller may see (their own; an admin's token sees all), paginated and sortable.
         *     `job_type` is the seed service's filter: `all`, `failed` (the last run failed or timed out),
         *     `user` (defined through the API, not by a default-jobs YAML file). An empty list is `[]`.
         */
        get: operations["listJobs"];
        put?: never;
        /**
         * Create a job
         * @description Creates a job from a definition naming its handler; the kwargs are validated against the
         *     handler's schema. Without `periodically`, `cron` (or another schedule) the job runs once, at
         *     `when` (now when omitted). A `job_id` already taken is 409. The job, its first occurrence
         *     and its `created` audit entry are stored in one transaction: all or nothing.
         *     A job of a powerful handler (`command`, `function`, `http`, or one marked so) needs an admin
         *     token or a token granted that handler, else 403 naming it (docs/security.md). A handler
         *     turned off by BOSUN_HANDLERS is 404, as an unknown one.
         */
        post: operations["createJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/clean-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove every failure record (seed form)
         * @description The seed service's `DELETE /jobs/clean-failed`; removes the caller's failure records (all, for an admin) and lists their ids.
         */
        delete: operations["cleanFailed"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        /**
         * One job
         * @description The job with its schedule, state, next run time and last run; others' jobs are 404.
         */
        get: operations["getJob"];
        /**
         * Pause or resume a job (seed form)
         * @description `?state=paused` stops scheduling it; `?state=running` (or `active`) resumes it from now (misfire rules apply).
         */
        put: operations["setJobState"];
        post?: never;
        /**
         * Delete a job
         * @description Deletes the job and its pending occurrence; its runs go with it, its failure records stay. Answers `{"removed": [job_id]}`.
         */
        delete: operations["deleteJob"];
        options?: never;
        head?: never;
        /**
         * Change a job
         * @description Changes some fields of a job; the result is validated as a whole, like a new job.
         *     `null` removes a field (e.g. `{"cron": null, "periodically": "1 day"}`). The next run is recomputed.
         *     In `kwargs`, a value sent back exactly as the job's view showed it (a redacted `***`, or a URL
         *     with `***` in it) keeps the stored value; any other value replaces it (docs/api.md, Redaction).
         *     Changing a job of a powerful handler, or to one, needs an admin token or a token granted that
         *     handler, else 403 naming it; pausing, resuming, running and deleting it do not.
         */
        patch: operations["updateJob"];
        trace?: never;
    };
    "/jobs/{job_id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a job now
         * @description Starts an extra run now; the schedule is unchanged. Answers 202 with the run, `running` when the answering instance started it at once (a worker slot was free), else `scheduled` until a worker takes it (poll `GET /runs/{run_id}`).
         */
        post: operations["runJobNow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        /**
         * A job's runs
         * @description The job's runs, newest first by default, without their logs.
         */
        get: operations["listJobRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs
         * @description Runs of the jobs the caller may see, filtered by job, status and time (`scheduled_for` in [since, until)), without their logs.
         */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        /**
         * One run, with its log
         * @description The run's status, times, attempt, host, result or error, and the lines its handler logged.
         */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description Aborts a running run (its handler's signal fires; the run ends `cancelled` even if the handler ignores it) or drops a scheduled one.
         */
        post: operations["cancelRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report a run's progress (callback)
         * @description For outside systems doing a run's work (Tethys' status callback): `running` adds a progress line
         *     to the run's log; `succeeded` or `failed` ends the run (a failure record for `failed`). A run that
         *     has already ended is 409. Answers `{"success": true, "run": …}`.
         */
        post: operations["reportRunStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/failures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List failures
         * @description Every failed attempt the caller may see, newest first by default.
         */
        get: operations["listFailures"];
        put?: never;
        post?: never;
        /**
         * Remove failure records
         * @description Removes the failure records matching the filters (all the caller's when none) and lists their ids.
         */
        delete: operations["deleteFailures"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/failures/{failure_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One failure
         * @description The error name, message and stack, the kwargs as they were, the attempt and the host.
         */
        get: operations["getFailure"];
        put?: never;
        post?: never;
        /**
         * Remove one failure record
         * @description Removes this failure record (404 when it does not exist or belongs to another user's job).
         */
        delete: operations["deleteFailure"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schemas/job-file.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * JSON Schema of YAML job files
         * @description The schema of a file in `default-jobs/`, with each loaded handler's kwargs, for editors:
         *     `# yaml-language-server: $schema=http://127.0.0.1:34000/api/v1/schemas/job-file.json`.
         *     The same schema for the built-in handlers is committed as `schemas/job-file.schema.json`.
         */
        get: operations["getJobFileSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List handlers
         * @description Every loaded handler (built-in and BOSUN_HANDLERS_DIR), with its description, kwargs JSON Schema, defaults and endpoint.
         */
        get: operations["listHandlers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit entries
         * @description Who did what to which job, newest first: `created`, `modified` (with a field-by-field
         *     `detail.diff`), `deleted` (with the definition as it was), `paused`, `resumed`, `ran_now`,
         *     `cancelled` (of a run), and the service's `service_paused` / `service_resumed`. `actor` is the
         *     token's user, `anonymous` with auth off, and `yaml-sync` for the default-jobs sync at
         *     startup. A non-admin sees the entries about their own jobs.
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description This process's metrics in the Prometheus text format: `bosun_runs_total{handler,status}`,
         *     `bosun_run_duration_seconds`, `bosun_run_lateness_seconds` (start minus scheduled_for),
         *     `bosun_misfires_total`, `bosun_retries_total`, `bosun_failures_total`, `bosun_runs_in_progress`,
         *     `bosun_queue_depth{state}`, `bosun_http_requests_total{method,route,status}` (route = the
         *     matched pattern) and the Node.js process metrics. Needs a token when auth is on. See
         *     docs/operations.md for alerts.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List flows and their graphs
         * @description Every flow declared in the flows folder (BOSUN_FLOWS_DIR), with its steps and its graph (nodes, `waits` edges, an order to run them in).
         */
        get: operations["listFlows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flows/{flow_name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flow's name. */
                flow_name: string;
            };
            cookie?: never;
        };
        /**
         * One flow and its graph
         * @description The flow's steps (handler, kwargs as declared, waits, timeout and retries) and its graph. 404 when no flow of that name is loaded.
         */
        get: operations["getFlow"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flows/{flow_name}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flow's name. */
                flow_name: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a flow run
         * @description Starts one run of the flow with `arguments` (what `${args.…}` in step kwargs refers to). With `task_names`, only those steps run (and with `run_subsequent` what waits for them); the rest are `skipped`. To start one run per item of a list, or on a schedule, create a `flow-scheduling` job.
         */
        post: operations["startFlowRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flow-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List flow runs
         * @description Flow runs the caller may see, newest first, without their steps.
         */
        get: operations["listFlowRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flow-runs/{flow_run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_run_id: string;
            };
            cookie?: never;
        };
        /**
         * A flow run with its steps
         * @description The aggregate status (`running`, `various` while some step already failed and others still run, `succeeded`, `failed`) and each step's status, exit code or result, attempts, start, finish and elapsed time.
         */
        get: operations["getFlowRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/flow-runs/{flow_run_id}/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_run_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rerun a failed flow run
         * @description Runs the failed and blocked steps of a failed flow run again; steps that succeeded keep their results. 409 unless the run failed.
         */
        post: operations["rerunFlowRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/command": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a command job
         * @description Runs a program: an argv list (no shell) or a command line (through /bin/sh -c), with env, cwd and a timeout. stdout and stderr go to the run log (capped); a non-zero exit fails the run with the exit code and the end of stderr. The program gets a minimal environment (PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ, the names the operator allows with BOSUN_COMMAND_ENV, and `env`), never bosun's own; when bosun runs as root it runs as BOSUN_COMMAND_USER (default nobody).
         *
         *     Creates a `command` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction. `command` is powerful: an admin token or a token granted it (`bosun tokens create --handlers command`) is needed, else 403.
         */
        post: operations["createCommandJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/flow-scheduling": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a flow-scheduling job
         * @description Starts a flow (a DAG of steps declared in flows/) once per item of flow_arguments.
         *
         *     Creates a `flow-scheduling` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction.
         */
        post: operations["createFlowSchedulingJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/function": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a function job
         * @description Imports a module from the functions folder (BOSUN_FUNCTIONS_DIR, default ./functions; paths outside it are refused) and calls a named export with `args` (and `kwargs` as one last argument when given), in a Node process of its own (heap capped by BOSUN_FUNCTION_MEMORY_MB, a minimal environment); `this` is the run context (signal, log, jobs). Its return value, through JSON, is the result.
         *
         *     Creates a `function` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction. `function` is powerful: an admin token or a token granted it (`bosun tokens create --handlers function`) is needed, else 403.
         */
        post: operations["createFunctionJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/http": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a http job
         * @description Calls a URL (method, headers, JSON or text body, timeout) and fails the run unless the status is the one expected (any 2xx by default). The status and the body (capped) are the result. Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused, redirects included, and the operator may restrict targets (BOSUN_HTTP_ALLOW, BOSUN_HTTP_DENY).
         *
         *     Creates a `http` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction. `http` is powerful: an admin token or a token granted it (`bosun tokens create --handlers http`) is needed, else 403.
         */
        post: operations["createHttpJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/noop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a noop job
         * @description Does nothing and succeeds at once (benchmarks, tests, trying bosun out).
         *
         *     Creates a `noop` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction.
         */
        post: operations["createNoopJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/selective-flow-scheduling": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a selective-flow-scheduling job
         * @description Starts only some steps of a flow (task_names, and with run_subsequent their dependants) once per item of flow_arguments.
         *
         *     Creates a `selective-flow-scheduling` job: the body is the handler's kwargs, the schedule is in the query (the seed service's form; `POST /jobs` takes everything in the body). Without `periodically` or `cron` the job runs once, at `when` (now when omitted). The job, its first occurrence and its `created` audit entry are stored in one transaction.
         */
        post: operations["createSelectiveFlowSchedulingJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Flow: {
            name: string;
            description?: string | null;
            file?: string;
            steps: {
                id?: string;
                handler?: string;
                kwargs?: Record<string, unknown>;
                waits?: string[];
                timeout_ms?: number | null;
                retries?: number;
            }[];
            graph: {
                nodes?: string[];
                edges?: {
                    from?: string;
                    to?: string;
                }[];
                order?: string[];
            };
        };
        FlowRun: {
            /** Format: uuid */
            flow_run_id: string;
            flow_name: string;
            /** @enum {string} */
            status: "running" | "various" | "succeeded" | "failed";
            arguments?: Record<string, unknown>;
            /** @description The flow-scheduling job that started it. */
            job_id?: string | null;
            reruns?: number;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            finished_at?: string | null;
            elapsed_ms?: number | null;
            step_counts?: {
                [key: string]: number;
            };
            steps?: {
                step_id?: string;
                /** @enum {string} */
                status?: "waiting" | "queued" | "running" | "succeeded" | "failed" | "timed_out" | "blocked" | "skipped";
                exit_code?: number | null;
                result?: unknown;
                error?: string | null;
                attempts?: number;
                /** Format: date-time */
                started_at?: string | null;
                /** Format: date-time */
                finished_at?: string | null;
                elapsed_ms?: number | null;
            }[];
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /**
             * Format: uri
             * @example https://bosun.dev/problems/invalid-schedule
             */
            type: string;
            /** @example Invalid schedule */
            title: string;
            /** @example 400 */
            status: number;
            /** @example Unable to parse 'periodically': "5 hourz" (expected e.g. "5 hours", "5:00:00", "PT5H") */
            detail: string;
            /** @example /api/v1/jobs/command */
            instance?: string;
            /**
             * @description The input field at fault.
             * @example periodically
             */
            field?: string;
            /** @description The message again */
            error: string;
        };
        /** @description A job definition and its bookkeeping. `state` is as sent (`running`, `paused`; `finished` when max_runs/until ended it); `active` is true while it runs, for the seed's clients. */
        Job: {
            /** @example nightly-report */
            job_id: string;
            /** @example command */
            handler: string;
            /**
             * @description The handler's arguments, secrets shown as `***`: values under secret names (Authorization, Cookie, names with token, secret, key, password, credential, auth), URL passwords and secret query parameters (docs/api.md, Redaction). The stored job keeps them.
             * @example {
             *       "url": "https://user:***@api.example.com/hook?api_key=***",
             *       "headers": {
             *         "Authorization": "***"
             *       }
             *     }
             */
            kwargs: Record<string, unknown>;
            description?: string | null;
            /** @enum {string} */
            state: "pending" | "running" | "paused" | "finished";
            /** @description true when `state` is `running` (the seed service's `active`). */
            active: boolean;
            /** @description As sent. */
            when?: unknown;
            /** @description As sent. */
            periodically?: unknown;
            /** @description As sent. */
            cron?: unknown;
            /** @description As sent. */
            misfire_grace_time?: unknown;
            /** @example UTC */
            timezone?: string;
            /** @description Every schedule field as sent. */
            schedule_input?: Record<string, unknown>;
            /** @description The parsed schedule. */
            schedule?: Record<string, unknown>;
            /** @example every 5 hours from 14:56 UTC */
            schedule_description?: string;
            /** @enum {string} */
            overlap?: "skip" | "queue" | "allow";
            timeout_ms?: number | null;
            retries?: number;
            retry_delay_ms?: number;
            retry_backoff?: boolean;
            owner?: string | null;
            /** @example api */
            source?: string;
            /** Format: date-time */
            next_run_time?: string | null;
            /**
             * Format: date-time
             * @description Same as next_run_time.
             */
            next_run_at?: string | null;
            last_run_status?: string | null;
            /** Format: date-time */
            last_run_time?: string | null;
            /**
             * Format: date-time
             * @description Same as last_run_time.
             */
            last_run_at?: string | null;
            run_count?: number;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        JobList: {
            jobs: components["schemas"]["Job"][];
            /** @description Matches in all pages, exact (the seed's name). */
            jobs_count: number;
            /** @description Same as jobs_count. */
            total: number;
            limit: number;
            offset: number;
        };
        /** @description The fields of a job definition (DESIGN.md); durations as "1 week", "5:00:00", "90s", "PT5H" or seconds. */
        JobFields: {
            description?: string | null;
            /** @description The handler's arguments (GET /handlers shows each handler's schema). */
            kwargs?: Record<string, unknown>;
            /**
             * @description `running` (default; alias `active`) or `paused` (stored, not scheduled).
             * @enum {string|null}
             */
            state?: "running" | "paused" | "active" | null;
            /**
             * @description Repeat interval, 1 second to 100 years (36525 days; a number is seconds).
             * @example 1 hour
             */
            periodically?: string | number | null;
            /** @description 5-field cron (6 with seconds) */
            cron?: string | Record<string, unknown> | unknown[] | null;
            /** @description RFC 5545 rule without DTSTART. COUNT at most 1000 (its occurrences within 1000 FREQ periods); each next occurrence within 500 FREQ periods; below a day, BYHOUR/BYMINUTE/BYSECOND reachable by INTERVAL. */
            rrule?: string | null;
            /** @description A list of instants (years 1900–9999). */
            dates?: unknown[] | null;
            /** @description {days: "mon-fri", at: "09:00"} */
            weekly?: Record<string, unknown> | null;
            /** @description {days: [1, 15, "last"], at: "09:00"} */
            monthly?: Record<string, unknown> | null;
            /** @description First run: ISO-8601 or "Mon Feb 20, 14:56"; UTC unless timezone is set; now when omitted. Years 1900–9999. */
            when?: string | null;
            /** @example Europe/Paris */
            timezone?: string | null;
            /** @description Nothing runs after this instant (years 1900–9999). */
            until?: string | null;
            max_runs?: number | null;
            /** @description {between: ["09:00", "17:00"], days: "mon-fri"} */
            window?: Record<string, unknown> | null;
            /**
             * @description How late a run may still start (1 s by default; at most 24 days).
             * @example 1 minute
             */
            misfire_grace_time?: string | number | null;
            /** @enum {string|null} */
            overlap?: "skip" | "queue" | "allow" | null;
            /** @description Abort a run after this long (at most 24 days). */
            timeout?: string | number | null;
            retries?: number | null;
            /** @description Wait before a retry (at most 24 days). */
            retry_delay?: string | number | null;
            retry_backoff?: boolean | null;
        };
        /** @description A new job; `handler` is required, `job_id` is generated (a UUID) when omitted. */
        JobInput: {
            /**
             * @description Letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed` (a route segment). Percent-encode it in URLs (a `/` as %2F).
             * @example nightly-report
             */
            job_id?: string | null;
            /** @example noop */
            handler: string;
        } & components["schemas"]["JobFields"];
        /** @description Fields to change; `null` removes a field. The job_id cannot change. */
        JobPatch: {
            handler?: string;
        } & components["schemas"]["JobFields"];
        /** @description One firing of a job; `log` only when read alone (GET /runs/{run_id}), `log_lines` in lists. */
        Run: {
            /** Format: uuid */
            run_id: string;
            job_id: string;
            /** Format: date-time */
            scheduled_for?: string | null;
            /** @enum {string} */
            trigger?: "schedule" | "manual" | "flow";
            /** @enum {string} */
            status: "scheduled" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "misfired" | "skipped";
            attempt?: number;
            host?: string | null;
            /** Format: date-time */
            started_at?: string | null;
            /** Format: date-time */
            finished_at?: string | null;
            /** @description What the handler returned (JSON */
            result?: unknown;
            error?: string | null;
            log?: {
                /** Format: date-time */
                at?: string;
                /** @enum {string} */
                level?: "debug" | "info" | "warn" | "error";
                msg?: string;
                data?: Record<string, unknown>;
            }[];
            log_lines?: number;
            /** Format: date-time */
            created_at?: string;
        };
        RunList: {
            runs: components["schemas"]["Run"][];
            runs_count: number;
            total: number;
            limit: number;
            offset: number;
        };
        StatusReport: {
            /**
             * @description `running` reports progress; `succeeded` and `failed` end the run.
             * @enum {string}
             */
            status: "running" | "succeeded" | "failed";
            message?: string;
            progress?: number;
            /** @description The run's result */
            result?: unknown;
        };
        Failure: {
            /** Format: uuid */
            failure_id: string;
            job_id: string;
            /** Format: uuid */
            run_id?: string | null;
            handler: string;
            /** @description The kwargs as they were, stored with secrets as `***` (as in job views). */
            kwargs?: Record<string, unknown>;
            owner?: string | null;
            error_name: string;
            message: string;
            stack?: string | null;
            attempt?: number;
            host?: string | null;
            /** Format: date-time */
            failed_at: string;
        };
        FailureList: {
            failures: components["schemas"]["Failure"][];
            failures_count: number;
            total: number;
            limit: number;
            offset: number;
        };
        Handler: {
            /** @example command */
            name: string;
            description: string;
            /** @description JSON Schema of the handler's kwargs. */
            kwargs_schema: Record<string, unknown>;
            defaults?: Record<string, unknown>;
            /** @example /api/v1/jobs/command */
            endpoint: string;
        };
    };
    responses: {
        /** @description The flow run with its steps. */
        FlowRun: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    flow_run: components["schemas"]["FlowRun"];
                };
            };
        };
        /** @description An error, as problem+json. */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request has a body that is not declared `application/json`; nothing was read or changed. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://bosun.dev/problems/unsupported-media-type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "detail": "Content-Type 'text/plain' is not accepted: send the body as application/json (UTF-8)",
                 *       "field": "Content-Type",
                 *       "error": "Content-Type 'text/plain' is not accepted: send the body as application/json (UTF-8)"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The job (or a flow's step) uses a powerful handler this token is not granted: an admin token,
         *     or one made with `bosun tokens create --handlers <name>`, may use it. `handler` names it.
         */
        HandlerForbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://bosun.dev/problems/forbidden",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "detail": "handler 'command' is powerful (its jobs act with bosun's own rights): user 'bob' needs an admin token or a token granted it ('bosun tokens create --user <name> --handlers command')",
                 *       "instance": "/api/v1/jobs/command",
                 *       "field": "handler",
                 *       "handler": "command",
                 *       "error": "handler 'command' is powerful (its jobs act with bosun's own rights): user 'bob' needs an admin token or a token granted it ('bosun tokens create --user <name> --handlers command')"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @description The powerful handler refused. */
                    handler: string;
                };
            };
        };
        /** @description The job. */
        Job: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "job": {
                 *         "job_id": "nightly-report",
                 *         "handler": "noop",
                 *         "kwargs": {},
                 *         "state": "paused",
                 *         "active": false,
                 *         "periodically": "1 day",
                 *         "next_run_time": null
                 *       }
                 *     }
                 */
                "application/json": {
                    job: components["schemas"]["Job"];
                };
            };
        };
        /** @description Created; `{"job": …}` as the seed service answered, and a Location header. */
        JobCreated: {
            headers: {
                /** @example /api/v1/jobs/nightly-report */
                Location?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "job": {
                 *         "job_id": "3b1f6a0e-8f0e-4c55-9a55-2f3cb0d3e2a1",
                 *         "handler": "noop",
                 *         "kwargs": {},
                 *         "state": "running",
                 *         "active": true,
                 *         "periodically": null,
                 *         "when": null,
                 *         "next_run_time": "2026-02-20T14:56:00.000Z"
                 *       }
                 *     }
                 */
                "application/json": {
                    job: components["schemas"]["Job"];
                };
            };
        };
        /** @description The run. */
        Run: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "run": {
                 *         "run_id": "0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7",
                 *         "job_id": "nightly-report",
                 *         "trigger": "manual",
                 *         "status": "succeeded",
                 *         "log": []
                 *       }
                 *     }
                 */
                "application/json": {
                    run: components["schemas"]["Run"];
                };
            };
        };
        /** @description A page of runs; `total` counts all matches. */
        RunList: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "runs": [],
                 *       "runs_count": 0,
                 *       "total": 0,
                 *       "limit": 50,
                 *       "offset": 0
                 *     }
                 */
                "application/json": components["schemas"]["RunList"];
            };
        };
        /** @description What was removed, by id. */
        Removed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "removed": [
                 *         "nightly-report"
                 *       ]
                 *     }
                 */
                "application/json": {
                    removed: string[];
                };
            };
        };
        /** @description The scheduler's state. */
        ServiceState: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "state": "running"
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    state: "running" | "paused";
                };
            };
        };
    };
    parameters: {
        /** @description Page size (at most 500). */
        Limit: number;
        /** @description Items to skip. */
        Offset: number;
        /** @description From this instant (inclusive), ISO-8601. */
        Since: string;
        /** @description Before this instant (exclusive), ISO-8601. */
        Until: string;
        /** @description Only runs in these statuses (repeat, or separate with commas). */
        RunStatus: ("scheduled" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "misfired" | "skipped")[];
        /** @description A column; prefix `-` for descending (default `-scheduled_for`). run_id breaks ties, in the same direction; runs not yet started (or finished) come last by `started_at` (`finished_at`) either way. */
        RunSort: "scheduled_for" | "-scheduled_for" | "created_at" | "-created_at" | "started_at" | "-started_at" | "finished_at" | "-finished_at";
        /**
         * @description The job's id. Another user's job answers 404, as a missing one.
         * @example nightly-report
         */
        JobIdPath: string;
        /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
        RunIdPath: string;
        /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
        CreateState: "running" | "paused" | "active";
        /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
        CreateJobId: string;
        /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
        Periodically: string;
        /** @description 5-field cron (6 with seconds), read in `timezone`. */
        Cron: string;
        /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
        When: string;
        /** @description IANA zone `when` and `cron` are read in (UTC by default). */
        Timezone: string;
        /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
        MisfireGraceTime: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": Record<string, unknown>;
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": Record<string, unknown>;
                };
            };
            503: components["responses"]["Problem"];
        };
    };
    getOpenApiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example openapi: 3.1.0 */
                    "application/yaml": string;
                };
            };
        };
    };
    getOpenApiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "openapi": "3.1.0"
                     *     }
                     */
                    "application/json": Record<string, unknown>;
                };
            };
        };
    };
    getSwaggerUi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Swagger UI page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <!DOCTYPE html> */
                    "text/html": string;
                };
            };
        };
    };
    redirectSwaggerUi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To `/api/v1/ui/`. */
            301: {
                headers: {
                    /** @example /api/v1/ui/ */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getSwaggerUiFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example swagger-ui.css */
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example .swagger-ui { } */
                    "text/css": string;
                };
            };
            404: components["responses"]["Problem"];
        };
    };
    getServiceState: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ServiceState"];
            401: components["responses"]["Problem"];
        };
    };
    setServiceState: {
        parameters: {
            query: {
                /**
                 * @description `running` (alias `active`) or `paused`.
                 * @example running
                 */
                state: "running" | "paused" | "active";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ServiceState"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
        };
    };
    listJobs: {
        parameters: {
            query?: {
                /**
                 * @description `all` (default), `failed` or `user`.
                 * @example all
                 */
                job_type?: "all" | "failed" | "user";
                /** @description Only jobs in this state (`active` is an alias of `running`). */
                state?: "running" | "paused" | "active" | "pending" | "finished";
                /** @description Only jobs of this handler. */
                handler?: string;
                /** @description Case-insensitive text in job_id or description. */
                search?: string;
                /** @description Only jobs of this owner (admins; a user's token always sees only their own). */
                owner?: string;
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
                /** @description A column; prefix `-` for descending. job_id breaks ties. */
                sort?: "job_id" | "-job_id" | "created_at" | "-created_at" | "updated_at" | "-updated_at" | "next_run_at" | "-next_run_at" | "last_run_at" | "-last_run_at";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description A page of jobs; `jobs_count` (= `total`) is the exact number of all matches, in every page.
             *     Unfiltered (or only by owner) it is read from counters kept in step with the jobs, whatever
             *     their number; narrowed by `state`, `handler`, `search` or `job_type` it counts the matches.
             */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "jobs": [],
                     *       "jobs_count": 0,
                     *       "total": 0,
                     *       "limit": 50,
                     *       "offset": 0
                     *     }
                     */
                    "application/json": components["schemas"]["JobList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    createJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "handler": "noop",
                 *       "description": "Tried from Swagger UI",
                 *       "periodically": "1 hour",
                 *       "kwargs": {}
                 *     }
                 */
                "application/json": components["schemas"]["JobInput"];
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    cleanFailed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Removed"];
            401: components["responses"]["Problem"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Job"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    setJobState: {
        parameters: {
            query: {
                /** @example paused */
                state: "running" | "paused" | "active";
            };
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Job"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    deleteJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Removed"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    updateJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "periodically": "2 hours",
                 *       "description": "Every two hours now"
                 *     }
                 */
                "application/json": components["schemas"]["JobPatch"];
            };
        };
        responses: {
            200: components["responses"]["Job"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    runJobNow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: components["responses"]["Run"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
        };
    };
    listJobRuns: {
        parameters: {
            query?: {
                /** @description Only runs in these statuses (repeat, or separate with commas). */
                status?: components["parameters"]["RunStatus"];
                /** @description From this instant (inclusive), ISO-8601. */
                since?: components["parameters"]["Since"];
                /** @description Before this instant (exclusive), ISO-8601. */
                until?: components["parameters"]["Until"];
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
                /** @description A column; prefix `-` for descending (default `-scheduled_for`). run_id breaks ties, in the same direction; runs not yet started (or finished) come last by `started_at` (`finished_at`) either way. */
                sort?: components["parameters"]["RunSort"];
            };
            header?: never;
            path: {
                /**
                 * @description The job's id. Another user's job answers 404, as a missing one.
                 * @example nightly-report
                 */
                job_id: components["parameters"]["JobIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["RunList"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    listRuns: {
        parameters: {
            query?: {
                /** @description Only this job's runs. */
                job_id?: string;
                /** @description Only runs in these statuses (repeat, or separate with commas). */
                status?: components["parameters"]["RunStatus"];
                /** @description From this instant (inclusive), ISO-8601. */
                since?: components["parameters"]["Since"];
                /** @description Before this instant (exclusive), ISO-8601. */
                until?: components["parameters"]["Until"];
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
                /** @description A column; prefix `-` for descending (default `-scheduled_for`). run_id breaks ties, in the same direction; runs not yet started (or finished) come last by `started_at` (`finished_at`) either way. */
                sort?: components["parameters"]["RunSort"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["RunList"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Run"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Run"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
        };
    };
    reportRunStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7 */
                run_id: components["parameters"]["RunIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "status": "running",
                 *       "progress": 50,
                 *       "message": "half of the files copied"
                 *     }
                 */
                "application/json": components["schemas"]["StatusReport"];
            };
        };
        responses: {
            /** @description Recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "run": {
                     *         "run_id": "0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7",
                     *         "job_id": "nightly-report",
                     *         "status": "running"
                     *       }
                     *     }
                     */
                    "application/json": {
                        success: boolean;
                        run: components["schemas"]["Run"];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    listFailures: {
        parameters: {
            query?: {
                /** @description Only this job's failures. */
                job_id?: string;
                /** @description Only this run's failures. */
                run_id?: string;
                /** @description Only failures of this handler. */
                handler?: string;
                /** @description From this instant (inclusive), ISO-8601. */
                since?: components["parameters"]["Since"];
                /** @description Before this instant (exclusive), ISO-8601. */
                until?: components["parameters"]["Until"];
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
                /** @description `failed_at` or `-failed_at` (default). */
                sort?: "failed_at" | "-failed_at";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of failures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "failures": [],
                     *       "failures_count": 0,
                     *       "total": 0,
                     *       "limit": 50,
                     *       "offset": 0
                     *     }
                     */
                    "application/json": components["schemas"]["FailureList"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    deleteFailures: {
        parameters: {
            query?: {
                /** @description Only this job's failures. */
                job_id?: string;
                /** @description Only failures of this handler. */
                handler?: string;
                /** @description From this instant (inclusive), ISO-8601. */
                since?: components["parameters"]["Since"];
                /** @description Before this instant (exclusive), ISO-8601. */
                until?: components["parameters"]["Until"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Removed"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    getFailure: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 5f0c7e56-93b5-4a8e-b7f4-0c7d1c2b9e11 */
                failure_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The failure. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "failure": {
                     *         "failure_id": "5f0c7e56-93b5-4a8e-b7f4-0c7d1c2b9e11",
                     *         "job_id": "nightly-report",
                     *         "handler": "command",
                     *         "error_name": "CommandFailed",
                     *         "message": "exit code 2"
                     *       }
                     *     }
                     */
                    "application/json": {
                        failure: components["schemas"]["Failure"];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    deleteFailure: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 5f0c7e56-93b5-4a8e-b7f4-0c7d1c2b9e11 */
                failure_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Removed"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    getJobFileSchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JSON Schema. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "$schema": "https://json-schema.org/draft/2020-12/schema",
                     *       "title": "bosun job file",
                     *       "type": "object"
                     *     }
                     */
                    "application/json": Record<string, unknown>;
                };
            };
            401: components["responses"]["Problem"];
        };
    };
    listHandlers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The handlers, by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "handlers": [
                     *         {
                     *           "name": "noop",
                     *           "description": "Does nothing and succeeds at once.",
                     *           "kwargs_schema": {
                     *             "type": "object"
                     *           },
                     *           "defaults": {},
                     *           "endpoint": "/api/v1/jobs/noop"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        handlers: components["schemas"]["Handler"][];
                    };
                };
            };
            401: components["responses"]["Problem"];
        };
    };
    listAudit: {
        parameters: {
            query?: {
                /** @description Only entries about this job. */
                job_id?: string;
                /** @description Only entries by this user (or `yaml-sync`). */
                actor?: string;
                /** @description Only entries of this action. */
                action?: "created" | "modified" | "deleted" | "paused" | "resumed" | "ran_now" | "cancelled" | "service_paused" | "service_resumed";
                /** @description From this instant (inclusive), ISO-8601. */
                since?: components["parameters"]["Since"];
                /** @description Before this instant (exclusive), ISO-8601. */
                until?: components["parameters"]["Until"];
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries; `total` counts all matches. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "entries": [
                     *         {
                     *           "audit_id": "42",
                     *           "at": "2026-02-20T14:56:00.000Z",
                     *           "actor": "alice",
                     *           "action": "modified",
                     *           "job_id": "nightly-report",
                     *           "run_id": null,
                     *           "owner": "alice",
                     *           "detail": {
                     *             "diff": {
                     *               "retries": {
                     *                 "from": 0,
                     *                 "to": 3
                     *               }
                     *             }
                     *           }
                     *         }
                     *       ],
                     *       "total": 1,
                     *       "limit": 50,
                     *       "offset": 0
                     *     }
                     */
                    "application/json": {
                        entries: {
                            /** @description Increasing id (a bigint as a string). */
                            audit_id: string;
                            /** Format: date-time */
                            at: string;
                            actor: string;
                            action: string;
                            job_id: string | null;
                            /** Format: uuid */
                            run_id: string | null;
                            /** @description The job's owner at the time. */
                            owner: string | null;
                            /** @description What changed: `diff` ({field: {from, to}}), `definition`, or `from`/`to` states. */
                            detail: Record<string, unknown>;
                        }[];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example # HELP bosun_runs_total Runs that reached a final status in this process, by handler and status
                     *     # TYPE bosun_runs_total counter
                     *     bosun_runs_total{handler="noop",status="succeeded"} 12
                     */
                    "text/plain": string;
                };
            };
            401: components["responses"]["Problem"];
        };
    };
    listFlows: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The flows. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        flows: components["schemas"]["Flow"][];
                        flows_count: number;
                    };
                };
            };
            401: components["responses"]["Problem"];
        };
    };
    getFlow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flow's name. */
                flow_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The flow. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        flow: components["schemas"]["Flow"];
                    };
                };
            };
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    startFlowRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flow's name. */
                flow_name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "arguments": {
                 *         "ecosystem": "npm",
                 *         "force": true,
                 *         "name": "serve-static",
                 *         "version": "1.7.1"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @description The run's arguments. */
                    arguments?: Record<string, unknown>;
                    /** @description Run only these steps. */
                    task_names?: string[];
                    /** @description With task_names */
                    run_subsequent?: boolean;
                    /** @description With run_subsequent */
                    follow_subflows?: boolean;
                };
            };
        };
        responses: {
            201: components["responses"]["FlowRun"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    listFlowRuns: {
        parameters: {
            query?: {
                flow_name?: string;
                status?: "running" | "various" | "succeeded" | "failed";
                /** @description Runs started by this job (flow-scheduling). */
                job_id?: string;
                /** @description Page size (at most 500). */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip. */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of flow runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        flow_runs: components["schemas"]["FlowRun"][];
                        total: number;
                        limit?: number;
                        offset?: number;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    getFlowRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["FlowRun"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    rerunFlowRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["FlowRun"];
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
        };
    };
    createCommandJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `command` handler's kwargs. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "command": "echo hello from bosun"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description A command line run by /bin/sh -c, or an argv list run directly (no shell).
                     * @example echo hello from bosun
                     * @example [
                     *       "echo",
                     *       "hello"
                     *     ]
                     */
                    command: string | string[];
                    /** @description Environment variables added to the minimal environment (PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ); they win over it. */
                    env?: {
                        [key: string]: string;
                    };
                    /**
                     * @description Also pass the variables the operator allows by name (BOSUN_COMMAND_ENV); false: only the minimal environment and `env`. bosun's own environment is never passed.
                     * @default true
                     */
                    inherit_env?: boolean;
                    /** @description Working directory; when absent, bosun's own, or (bosun running as root, the command as another user) that user's home if it owns one, else /tmp. */
                    cwd?: string;
                    /** @description Kill the process group after this long ("30s", "5 minutes", seconds as a number). */
                    timeout?: string | number;
                    /**
                     * @description Output lines kept in the run log.
                     * @default 1000
                     */
                    max_log_lines?: number;
                    /**
                     * @description Characters of stdout (result) and stderr (error) kept.
                     * @default 4000
                     */
                    tail_chars?: number;
                };
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
    createFlowSchedulingJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `flow-scheduling` handler's kwargs. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "flow_name": "bayesianFlow",
                 *       "flow_arguments": [
                 *         {
                 *           "ecosystem": "npm",
                 *           "force": true,
                 *           "name": "serve-static",
                 *           "version": "1.7.1"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    /**
                     * @description The flow to start (a `name:` of a file in the flows folder).
                     * @example bayesianFlow
                     */
                    flow_name: string;
                    /**
                     * @description One flow run per item; each run gets the item as its arguments (`${args.…}`), plus `job_id`.
                     * @default [
                     *       {}
                     *     ]
                     * @example [
                     *       {
                     *         "ecosystem": "npm",
                     *         "force": true,
                     *         "name": "serve-static",
                     *         "version": "1.7.1"
                     *       }
                     *     ]
                     */
                    flow_arguments?: Record<string, unknown>[];
                };
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
    createFunctionJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `function` handler's kwargs. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "module": "reports.ts"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Path of the module inside the functions folder.
                     * @example reports.ts
                     */
                    module: string;
                    /**
                     * @description Name of the export to call.
                     * @default default
                     */
                    function?: string;
                    /**
                     * @description Positional arguments.
                     * @default []
                     */
                    args?: unknown[];
                    /** @description Passed as one object after the positional arguments. */
                    kwargs?: Record<string, unknown>;
                };
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
    createHttpJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `http` handler's kwargs. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "http://127.0.0.1:34000/api/v1/liveness"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description http:// or https:// URL.
                     * @example http://127.0.0.1:34000/api/v1/liveness
                     */
                    url: string;
                    /**
                     * @default GET
                     * @enum {string}
                     */
                    method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
                    headers?: {
                        [key: string]: string;
                    };
                    /** @description Sent as the JSON body (sets content-type: application/json). */
                    json?: unknown;
                    /** @description Sent as the body as is; use `json` for JSON. */
                    body?: string;
                    /** @description Status code, or list of them, that means success; any 2xx when absent. */
                    expected_status?: number | number[];
                    /**
                     * @description Give up after this long ("10s", seconds as a number).
                     * @default 30s
                     */
                    timeout?: string | number;
                    /**
                     * @description Characters of the response body kept.
                     * @default 16384
                     */
                    max_body_chars?: number;
                };
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
    createNoopJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `noop` handler's kwargs. */
        requestBody?: {
            content: {
                /** @example {} */
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
    createSelectiveFlowSchedulingJob: {
        parameters: {
            query?: {
                /** @description `running` (default; alias `active`) schedules the job; `paused` stores it without scheduling. */
                state?: components["parameters"]["CreateState"];
                /** @description The job's id (letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed`); a UUID is generated when omitted. An id already taken is 409. */
                job_id?: components["parameters"]["CreateJobId"];
                /** @description Repeat interval: "1 week", "5:00:00", "2h32m", "90s", "PT5H". Omitted (and no cron): the job runs once. */
                periodically?: components["parameters"]["Periodically"];
                /** @description 5-field cron (6 with seconds), read in `timezone`. */
                cron?: components["parameters"]["Cron"];
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56", UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. */
                when?: components["parameters"]["When"];
                /** @description IANA zone `when` and `cron` are read in (UTC by default). */
                timezone?: components["parameters"]["Timezone"];
                /** @description How late a run may still start ("1 minute"); later ones are recorded as misfired. */
                misfire_grace_time?: components["parameters"]["MisfireGraceTime"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The `selective-flow-scheduling` handler's kwargs. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "flow_name": "bayesianFlow",
                 *       "task_names": [
                 *         "analyse_licence"
                 *       ],
                 *       "run_subsequent": true,
                 *       "flow_arguments": [
                 *         {
                 *           "ecosystem": "npm",
                 *           "name": "serve-static",
                 *           "version": "1.7.1"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    /**
                     * @description The flow to start (a `name:` of a file in the flows folder).
                     * @example bayesianFlow
                     */
                    flow_name: string;
                    /**
                     * @description One flow run per item; each run gets the item as its arguments (`${args.…}`), plus `job_id`.
                     * @default [
                     *       {}
                     *     ]
                     * @example [
                     *       {
                     *         "ecosystem": "npm",
                     *         "force": true,
                     *         "name": "serve-static",
                     *         "version": "1.7.1"
                     *       }
                     *     ]
                     */
                    flow_arguments?: Record<string, unknown>[];
                    /**
                     * @description Step ids to run; steps not selected are `skipped` and count as done for those that wait on them.
                     * @example [
                     *       "report"
                     *     ]
                     */
                    task_names: string[];
                    /**
                     * @description Also run every step that waits (directly or not) for a selected step.
                     * @default false
                     */
                    run_subsequent?: boolean;
                    /**
                     * @description With run_subsequent: also run dependants that start other flows (steps whose handler is flow-scheduling or selective-flow-scheduling), and what lies beyond them.
                     * @default false
                     */
                    follow_subflows?: boolean;
                };
            };
        };
        responses: {
            201: components["responses"]["JobCreated"];
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
        };
    };
}
