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
         *     `job_type` is the seed service's: `all`, `user` (defined through the API, not by a
         *     default-jobs YAML file), or `failed`: the caller's failure records (one per failed attempt,
         *     newest first) in the seed's shape (`exc_str`, `exc_traceback`, `failed_job_id`,
         *     `failed_job_handler`, `failed_handler_kwargs`, kwargs redacted) beside bosun's own failure
         *     fields (GET /failures), in the same envelope; `DELETE /jobs/clean-failed` empties it. With
         *     `failed` only `handler`, `owner`, `limit` and `offset` apply (`state`, `search`,
         *     `last_run_status` are 400; `sort` is ignored). Jobs whose last run failed:
         *     `last_run_status=failed`. An empty list is `[]`.
         */
        get: operations["listJobs"];
        /**
         * Modify the job of a name (NDScheduler form)
         * @description `PUT /jobs/{job_id}` with NDScheduler's body, for the one job (of those the caller sees)
         *     called `name`: 404 when none is, 409 listing their ids when several are (names are not
         *     unique: address the job by its id then). Answers `{"job_id": …}`.
         */
        put: operations["modifyJobByName"];
        /**
         * Create a job
         * @description Creates a job from a definition naming its handler; the kwargs are validated against the
         *     handler's schema. Without `periodically`, `cron` (or another schedule) the job runs once, at
         *     `when` (now when omitted). A `job_id` already taken is 409. The job, its first occurrence
         *     and its `created` audit entry are stored in one transaction: all or nothing.
         *     A job of a powerful handler (`command`, `function`, `http`, or one marked so) needs an admin
         *     token or a token granted that handler, else 403 naming it (docs/security.md). A handler
         *     turned off by BOSUN_HANDLERS is 404, as an unknown one.
         *
         *     NDScheduler's body (`job_class_string`, `name`, `pub_args`, `trigger`, `trigger_params`, or
         *     the cron fields at the top level) is accepted too, told apart by those fields; it answers
         *     201 `{"job_id": …}` (a 32-hex id), with `max_instances` 3 and a misfire grace of an hour
         *     unless given. docs/compatibility.md (seed 000) says how a job class names a handler.
         */
        post: operations["createJob"];
        /**
         * Delete the job of a name
         * @description Deletes the one job (of those the caller sees) called `name`: 404 when none is, 409 listing
         *     their ids when several are. Answers `{"job_id": …, "removed": [job_id]}`.
         */
        delete: operations["deleteJobByName"];
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
         * @description The seed service's `DELETE /jobs/clean-failed`; removes the caller's failure records (all, for an admin) and lists their ids, emptying `GET /jobs?job_type=failed`. No job can have the id `clean-failed`.
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
         * Pause or resume a job (seed form), or modify it (NDScheduler)
         * @description `?state=paused` stops scheduling it; `?state=running` (or `active`) resumes it from now
         *     (misfire rules apply); answers `{"job": …}`.
         *     With NDScheduler's job body instead (and no `state`), its class, name, arguments and trigger
         *     replace the job's (the rest is kept, a paused job stays paused); answers `{"job_id": …}`.
         *     A job of a powerful handler, or one changed to it, needs the grant, as PATCH.
         */
        put: operations["setJobState"];
        post?: never;
        /**
         * Delete a job
         * @description Deletes the job and its pending occurrence; its runs go with it, its failure records stay. Answers `{"removed": [job_id], "job_id": job_id}` (the second is NDScheduler's answer).
         */
        delete: operations["deleteJob"];
        /**
         * Resume a job (NDScheduler form)
         * @description NDScheduler's resume: answers `{"job_id": …}` once the job runs again from now. A CORS
         *     preflight (a request with `Access-Control-Request-Method`) changes nothing: it is answered
         *     204 with `Allow`, as on every path. Being a change, it needs a token and is refused from
         *     another site's page, as every write is.
         */
        options: operations["resumeJobNdscheduler"];
        head?: never;
        /**
         * Change a job
         * @description Changes some fields of a job; the result is validated as a whole, like a new job.
         *     `null` removes a field (e.g. `{"cron": null, "periodically": "1 day"}`). The next run is recomputed.
         *     In `kwargs`, a value sent back exactly as the job's view showed it (a redacted `***`, or a URL
         *     with `***` in it) keeps the stored value; any other value replaces it (docs/api.md, Redaction).
         *     Changing a job of a powerful handler, or to one, needs an admin token or a token granted that
         *     handler, else 403 naming it; pausing, resuming, running and deleting it do not.
         *
         *     Without a body it pauses the job and answers `{"job_id": …}`, as NDScheduler's `PATCH` does.
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
         * @description Runs the caller may see, filtered by job, flow run, status and time (`scheduled_for` in [since, until)), without their logs: runs of jobs, and runs of flow steps (`trigger: flow`, with `flow_run_id`, `flow_name`, `step_id` and `step_status`) once the step was queued; with `flow_run_id`, every step of that flow run.
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
         * @description The run's status, times, attempt, host, result or error, and the lines its handler logged. A flow step's run is read by its `step_run_id` (what its failure rows carry as `run_id`).
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
    "/update-job-status/{job_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id (Tethys' callback URL names the job, not a run). Another user's job answers 404, as a missing one.
                 * @example 27
                 */
                job_id: string;
            };
            cookie?: never;
        };
        /**
         * Tethys' status callback for a job
         * @description Tethys' job status callback, served here and at the root (`GET /update-job-status/{job_id}/`,
         *     the URL outside systems were given; the trailing slash is part of it). It reports on the job's
         *     current run (a running one, else the latest waiting one) and answers `{"success": true}`.
         *     Bare, it is Tethys' "look again": a progress line in the run's log; on a job with no run in
         *     progress it changes nothing and answers `{"success": true, "run": null}`. `status=succeeded`
         *     or `failed` (and `message`) end the run, as `POST /runs/{run_id}/status` does (409 when the
         *     job has no run in progress). `delay=N` applies the report N seconds later (at most 3600), to
         *     the run current then, and answers at once `{"success": true, "delay": N}`; delayed reports are
         *     held by the instance that took them, and lost if it stops first. A GET that changes a run: a
         *     browser request from another site is refused (403), as writes are. Needs a token as any route.
         */
        get: operations["updateJobStatus"];
        put?: never;
        post?: never;
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
    "/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Executions in a time range (NDScheduler form)
         * @description NDScheduler's executions: the runs (of the jobs the caller sees) scheduled from
         *     `time_range_start` to `time_range_end` (both included; by default the last ten minutes),
         *     oldest first, at most `limit`; `truncated` says more matched. `state` is NDScheduler's
         *     (`scheduled`, `running`, `succeeded`, `failed`, `timeout`, `stopped` for cancelled,
         *     `scheduled error` for misfired or skipped), `status` bosun's; `result` is the return value or
         *     the error.
         */
        get: operations["listExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description An execution's id (a run id) to read it; a job's id to run it.
                 * @example d8f376e858a411e4b6ae22000ac58d05
                 */
                id: string;
            };
            cookie?: never;
        };
        /**
         * One execution (NDScheduler form)
         * @description The run with this id as an NDScheduler execution; 404 when there is none the caller may see.
         */
        get: operations["getExecution"];
        put?: never;
        /**
         * Run a job now (NDScheduler form)
         * @description NDScheduler's run now, of the job with this id; as `POST /jobs/{job_id}/run`, answered `{"execution_id": run_id}`.
         */
        post: operations["runJobNdscheduler"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit logs in a time range (NDScheduler form)
         * @description The audit log (GET /audit) in NDScheduler's shape: entries recorded from `time_range_start`
         *     to `time_range_end` (both included; by default the last ten minutes), newest first, at most
         *     `limit`. `event` is NDScheduler's (`added`, `modified`, `deleted`, `paused`, `resumed`,
         *     `custom_run`; bosun's other actions by their name), `user` the actor, `description` the run
         *     id of a `custom_run` and the JSON diff of a `modified`. A non-admin sees entries about their jobs.
         */
        get: operations["listAuditLogs"];
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
         * @description Every flow declared in the flows folder (BOSUN_FLOWS_DIR, `source: file`) and defined through the API (`source: api`), with its steps and its graph (nodes, `waits` edges, an order to run them in).
         */
        get: operations["listFlows"];
        put?: never;
        /**
         * Define a flow at run time
         * @description Stores a flow given as a flow file's YAML shape in JSON; every bosun instance runs it without a restart. Checked like a file: step ids required and unique, `waits` naming steps of the flow, no cycle, known handlers, valid kwargs; a problem answers 400 naming the step (`field`, and every problem in `errors`). At most 1000 steps and 256 KiB; at most 1000 flows defined this way. A name already used by a flow file or an API-defined flow answers 409. Steps using powerful handlers (command, function, http) need that permission (403).
         */
        post: operations["createFlow"];
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
        /**
         * Replace (or define) an API-defined flow
         * @description Replaces the flow's steps (201 when it did not exist yet), checked as POST /flows checks them. Runs already started keep the steps they started with. A flow from a file is read-only: 409 naming its file. Only the user who defined it, or an admin, may replace it (403). While jobs of other users start the flow, it cannot start using a powerful handler it did not use (409 naming the jobs). Kwargs sent back as shown (`***`) keep the stored secrets.
         */
        put: operations["replaceFlow"];
        post?: never;
        /**
         * Delete an API-defined flow
         * @description Removes the flow; its past runs stay. 409 for a flow from a file (naming the file) and while jobs start it (naming them); 403 unless the caller defined it or is an admin.
         */
        delete: operations["deleteFlow"];
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
        /** @description Each handler's kwargs, chosen by `handler` (its name or class-style name); GET /handlers lists the same schemas. */
        HandlerKwargs: unknown & unknown & unknown & unknown & unknown & unknown;
        Flow: {
            name: string;
            description?: string | null;
            /**
             * @description `file`: from the flows folder, read-only; `api`: defined with POST /flows.
             * @enum {string}
             */
            source?: "file" | "api";
            /** @description The file it is declared in; null for API-defined flows. */
            file?: string | null;
            /** @description Who defined an API-defined flow. */
            owner?: string | null;
            /**
             * Format: date-time
             * @description When an API-defined flow was last written.
             */
            updated_at?: string;
            steps: {
                id?: string;
                handler?: string;
                kwargs?: Record<string, unknown>;
                waits?: string[];
                timeout_ms?: number | null;
                retries?: number;
                retry_delay_ms?: number;
                /** @description false: fixed delay; true: doubled each retry; a number: multiplied by it each retry. */
                retry_backoff?: boolean | number;
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
        /** @description A flow as a flow file declares it, in JSON. Each step is checked by bosun, which names the step at fault. */
        FlowInput: {
            /** @description Letters, digits and _ . - starting with a letter; on PUT, the path's name. */
            name?: string;
            description?: string | null;
            steps: Record<string, unknown>[];
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
            /** @description The message again, for clients of the seed service. */
            error: string;
            /** @description Every problem of the request at once (a 400 of validation; also invalid kwargs and flows), the first of them being `field`. `suggestion` is the known name probably meant when a field, query parameter, handler or value is a near miss of one. */
            errors?: {
                /** @example periodicaly */
                field: string;
                /** @example unknown field 'periodicaly' */
                message: string;
                /** @example periodically */
                suggestion?: string;
            }[];
        };
        /** @description A job definition and its bookkeeping. `state` is as sent (`running`, `paused`; `finished` when max_runs/until ended it); `active` is true while it runs, for the seed's clients. */
        Job: {
            /** @example nightly-report */
            job_id: string;
            /** @description A label for people; not unique. */
            name?: string | null;
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
            /** @description At most this many runs at once; null = as overlap decides. */
            max_instances?: number | null;
            timeout_ms?: number | null;
            retries?: number;
            retry_delay_ms?: number;
            /** @description false: a fixed delay; true: doubled each retry; a number: multiplied by that factor each retry. */
            retry_backoff?: boolean | number;
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
            /** @description Runs started, by the schedule and by hand (run now). `max_runs` counts the scheduled ones alone. */
            run_count?: number;
            /** @description Runs started by the schedule; what `max_runs` counts. */
            scheduled_run_count?: number;
            /** @description Runs started by hand (POST /jobs/{job_id}/run). */
            manual_run_count?: number;
            /**
             * @description Free metadata as given (Tethys' `extended_properties`), secrets shown as `***` as in kwargs.
             * @example {
             *       "one": 1,
             *       "two": 2
             *     }
             */
            extended_properties?: Record<string, unknown>;
            /**
             * @description Text labels by name; filter with GET /jobs?label=name:value.
             * @example {
             *       "team": "data"
             *     }
             */
            labels?: {
                [key: string]: string;
            };
            /**
             * @description `delete`: the job is deleted once it has nothing left to run and its last run ended.
             * @enum {string}
             */
            on_finish?: "keep" | "delete";
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        JobList: {
            /** @description Jobs; with `job_type=failed`, failure records (FailedJob). */
            jobs: (components["schemas"]["Job"] | components["schemas"]["FailedJob"])[];
            /** @description Matches in all pages, exact (the seed's name). */
            jobs_count: number;
            /** @description Same as jobs_count. */
            total: number;
            limit: number;
            offset: number;
        };
        /** @description The fields of a job definition (DESIGN.md); durations as "1 week", "5:00:00", "90s", "PT5H" or seconds. */
        JobFields: {
            /**
             * @description A label for people; not unique (PUT and DELETE /jobs?name= address a job by it when it is).
             * @example Nightly report
             */
            name?: string | null;
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
            /** @description 5-field cron (6 with seconds), read in `timezone`. */
            cron?: string | Record<string, unknown> | unknown[] | null;
            /** @description RFC 5545 rule without DTSTART. COUNT at most 1000 (its occurrences within 1000 FREQ periods); each next occurrence within 500 FREQ periods; below a day, BYHOUR/BYMINUTE/BYSECOND reachable by INTERVAL. */
            rrule?: string | null;
            /** @description A list of instants (years 1900–9999). */
            dates?: unknown[] | null;
            /** @description {days: "mon-fri", at: "09:00"} */
            weekly?: Record<string, unknown> | null;
            /** @description {days: [1, 15, "last"], at: "09:00"} */
            monthly?: Record<string, unknown> | null;
            /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (read as dateutil: without a year, the current one; a weekday that disagrees with the date is ignored, and `warnings` says so); UTC unless timezone is set; now when omitted. A periodic job starts at its first occurrence at or after its creation: a past `when` sets the rhythm, it does not make past runs due. Years 1900–9999. */
            when?: string | null;
            /** @example Europe/Paris */
            timezone?: string | null;
            /** @description Nothing runs after this instant (years 1900–9999). */
            until?: string | null;
            max_runs?: number | null;
            /**
             * @description Occurrences outside are skipped; every list given must allow the day. `between` two times of day, `days` of the week, `months`, `monthdays` (1–31, `last`, or -1 … -31 from the end), `dates` (at most 1000), `from`/`to` (dates, inclusive); read in `timezone`.
             * @example {
             *       "between": [
             *         "09:00",
             *         "17:00"
             *       ],
             *       "days": "mon-fri",
             *       "monthdays": [
             *         1,
             *         15,
             *         "last"
             *       ],
             *       "from": "2026-06-01",
             *       "to": "2026-08-31"
             *     }
             */
            window?: {
                /** @description Two times of day, from and to (`["22:00", "06:00"]` spans midnight). */
                between?: unknown[];
                /** @description Weekdays, as `mon-fri` or a list (`[mon, wed]`). */
                days?: string | unknown[];
                /** @description Months, as `jun-aug` or a list. */
                months?: string | unknown[];
                /** @description Days of the month: 1–31, `last`, or -1 … -31 from the end. */
                monthdays?: unknown[];
                dates?: string[];
                /** @example 2026-06-01 */
                from?: string;
                /** @example 2026-08-31 */
                to?: string;
            } | null;
            /**
             * @description How late a run may still start (1 s by default; at most 24 days).
             * @example 1 minute
             */
            misfire_grace_time?: string | number | null;
            /** @enum {string|null} */
            overlap?: "skip" | "queue" | "allow" | null;
            /** @description At most this many runs of the job at once; an occurrence due beyond is skipped (queued under overlap queue). Absent: one under skip and queue, no limit under allow. */
            max_instances?: number | null;
            /** @description Abort a run after this long: more than 0 (a number is seconds; the smallest is a millisecond), at most 24 days. */
            timeout?: string | number | null;
            retries?: number | null;
            /** @description Wait before a retry (at most 24 days). */
            retry_delay?: string | number | null;
            /** @description true doubles the retry delay each attempt; a factor from 1 to 10 multiplies it by that (simplejob's backoff power); false keeps it fixed. */
            retry_backoff?: boolean | number | null;
            /**
             * @description Free metadata, kept as given and shown redacted (Tethys' `extended_properties`). At most 16384 bytes of JSON.
             * @example {
             *       "one": 1,
             *       "two": 2
             *     }
             */
            extended_properties?: Record<string, unknown> | null;
            /**
             * @description Text labels to filter lists by (GET /jobs?label=team:data): at most 32; names of letters, digits and . _ / - (63 at most); values up to 200 characters.
             * @example {
             *       "team": "data"
             *     }
             */
            labels?: {
                [key: string]: string | number | boolean;
            } | null;
            /**
             * @description `delete`: delete the job once it has nothing left to run and its last run ended (its runs go with it, failure records stay, an audit entry says so). Not for default-job files. `keep` by default.
             * @enum {string|null}
             */
            on_finish?: "keep" | "delete" | null;
        };
        /** @description A body with a field only NDScheduler's job has is NDScheduler's. */
        NdschedulerShaped: unknown | unknown | unknown | unknown;
        /**
         * @description NDScheduler's job (its handlers' README): `job_class_string` names a handler (its last dotted
         *     part, without a `Job` suffix, or ShellJob → command, CurlJob → http), `pub_args` become its
         *     kwargs, `trigger` `cron` (APScheduler's fields; day_of_week 0 = Monday) or `interval`
         *     (seconds); or, in the older flat form, the cron fields at the top level.
         *     docs/compatibility.md (seed 000) has the whole mapping.
         */
        NdschedulerJobInput: {
            /** @example simple_scheduler.jobs.shell_job.ShellJob */
            job_class_string: string;
            /** @example My first job */
            name: string;
            /**
             * @description Positional arguments (or an object of kwargs).
             * @example [
             *       "echo",
             *       "hello"
             *     ]
             */
            pub_args?: unknown[] | Record<string, unknown> | null;
            /** @enum {string} */
            trigger?: "cron" | "interval";
            /**
             * @description `{minute, hour, day, month, day_of_week, second}` (cron; those left out are filled as APScheduler fills them) or `{interval}` (seconds).
             * @example {
             *       "minute": "*\/1"
             *     }
             */
            trigger_params?: Record<string, unknown>;
            minute?: string | number;
            hour?: string | number;
            day?: string | number;
            month?: string | number;
            day_of_week?: string | number;
            second?: string | number;
            /** @description At most this many runs at once (3 when absent, as NDScheduler). */
            max_instances?: number;
        };
        NdschedulerJobId: {
            job_id: string;
        };
        JobCreatedBody: {
            job: components["schemas"]["Job"];
            /**
             * @example [
             *       "when: 'Mon Feb 20, 14:56' says Monday, but Feb 20, 2026 is a Friday; the weekday was ignored"
             *     ]
             */
            warnings?: string[];
        };
        /** @description A run in NDScheduler's execution shape, with bosun's `status` and `trigger` beside. */
        Execution: {
            /** @description The run id. */
            execution_id: string;
            /** @description The job in NDScheduler's shape (job_class_string = the handler, pub_args = its kwargs, redacted). */
            job: {
                job_id?: string;
                name?: string;
                job_class_string?: string;
                pub_args?: unknown;
                /** @enum {string} */
                trigger?: "cron" | "interval" | "unknown";
                trigger_params?: Record<string, unknown>;
                next_run_time?: string;
            };
            /** @enum {string} */
            state: "scheduled" | "running" | "succeeded" | "failed" | "timeout" | "stopped" | "scheduled error";
            status: string;
            /** @enum {string} */
            trigger?: "schedule" | "manual" | "flow";
            hostname?: string;
            /** @description Always -1 (not recorded). */
            pid?: number;
            task_id?: string;
            /** @description The error, if any. */
            description?: string;
            /** @description The return value, or the error. */
            result?: unknown;
            /** Format: date-time */
            scheduled_time: string | null;
            /** Format: date-time */
            updated_time: string | null;
        };
        /** @description A new job; `handler` is required, `job_id` is generated (a UUID) when omitted. `kwargs` must fit the handler's schema (HandlerKwargs). */
        JobInput: {
            /**
             * @description Letters, digits and . _ : @ / - ; not `.`, `..` or `clean-failed` (a route segment). Percent-encode it in URLs (a `/` as %2F).
             * @example nightly-report
             */
            job_id?: string | null;
            /** @example noop */
            handler: string;
        } & (components["schemas"]["JobFields"] & components["schemas"]["HandlerKwargs"]);
        /** @description Fields to change; `null` removes a field. The job_id cannot change. */
        JobPatch: {
            handler?: string;
        } & components["schemas"]["JobFields"];
        /** @description One firing of a job, or one flow step's run (`trigger: flow`); `log` only when read alone (GET /runs/{run_id}), `log_lines` in lists. A step's status reads as a run's: waiting and queued are `scheduled`, blocked and skipped are `skipped`; `step_status` keeps the step's own. While a job's run is running, `log` holds the lines stored at the worker's last heartbeat (every 2 s). */
        Run: {
            /** Format: uuid */
            run_id: string;
            /** @description The job; null for a flow step's run (its flow run names the job that started it). */
            job_id: string | null;
            /**
             * Format: uuid
             * @description The flow run of a step's run; null for a job's run.
             */
            flow_run_id?: string | null;
            flow_name?: string | null;
            step_id?: string | null;
            /** @enum {string|null} */
            step_status?: "waiting" | "queued" | "running" | "succeeded" | "failed" | "timed_out" | "blocked" | "skipped" | null;
            /** @description A step run's handler. */
            handler?: string;
            /** @description A step run's exit code. */
            exit_code?: number | null;
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
            /** @description What the handler returned (JSON, size-capped). */
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
            /** @description The run's result, for `succeeded`. */
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
        /**
         * @description A failure record as `GET /jobs?job_type=failed` lists it, for the seed service's clients.
         * @example {
         *       "failure_id": "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b",
         *       "job_id": "daily-popular-npm",
         *       "handler": "flow-scheduling",
         *       "error_name": "Error",
         *       "message": "flow 'bayesianFlow' not found",
         *       "failed_at": "2026-02-20T14:56:01.000Z",
         *       "exc_str": "flow 'bayesianFlow' not found",
         *       "exc_traceback": "Error: flow 'bayesianFlow' not found\n    at …",
         *       "failed_job_id": "daily-popular-npm",
         *       "failed_job_handler": "flow-scheduling",
         *       "failed_handler_kwargs": {
         *         "flow_name": "bayesianFlow",
         *         "flow_arguments": []
         *       }
         *     }
         */
        FailedJob: components["schemas"]["Failure"] & {
            /** @description The error's text (Python's `str(exc)`); same as `message`. */
            exc_str: string;
            /** @description The stack; the error's name and text when there is none. */
            exc_traceback: string;
            /** @description Same as `job_id`. */
            failed_job_id: string;
            /** @description Same as `handler`. */
            failed_job_handler: string;
            /** @description The kwargs as they were, secrets as `***`. */
            failed_handler_kwargs: Record<string, unknown>;
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
         *     A write from another site is 403 too, without `handler` (see the introduction).
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
                    /** @description The powerful handler refused; absent when the refusal is not about a handler. */
                    handler?: string;
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
        /**
         * @description Created; `{"job": …}` as the seed service answered, and a Location header. `warnings`, present
         *     only when there is one, says what was accepted with a reinterpretation: a `when` whose weekday
         *     disagrees with its date is read as dateutil reads it (the date wins, the weekday is ignored).
         */
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
                "application/json": components["schemas"]["JobCreatedBody"];
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
         * @description The job's name; it must be the name of exactly one job the caller sees.
         * @example CronMetric_RecEff_v2
         */
        JobNameQuery: string;
        /**
         * @description From this instant (ISO 8601; UTC when it names no offset); default: ten minutes before the end.
         * @example 2015-12-19T00:31:50.313Z
         */
        TimeRangeStart: string;
        /**
         * @description To this instant (ISO 8601; UTC when it names no offset); default: now.
         * @example 2015-12-19T01:31:50.313Z
         */
        TimeRangeEnd: string;
        /** @description The most rows to answer (1–1000). */
        RangeLimit: number;
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
        /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                 * @description `all` (default), `user`, or `failed` (failure records, not jobs).
                 * @example all
                 */
                job_type?: "all" | "failed" | "user";
                /** @description Only jobs whose last run ended with this status (`failed` = jobs whose last run failed; a timeout is `timed_out`). */
                last_run_status?: "succeeded" | "failed" | "timed_out" | "cancelled" | "misfired" | "skipped" | "running" | "scheduled";
                /** @description Only jobs in this state (`active` is an alias of `running`). */
                state?: "running" | "paused" | "active" | "pending" | "finished";
                /** @description Only jobs of this handler. */
                handler?: string;
                /** @description Case-insensitive text in job_id or description. */
                search?: string;
                /** @description Only jobs of this owner (admins; a user's token always sees only their own). */
                owner?: string;
                /** @description Only jobs carrying this label, as `name:value` (`team:data`); repeat it (or separate with commas) for jobs carrying all of them, at most 32. No example is filled in, so "Try it out" lists every job. */
                label?: string[];
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
    modifyJobByName: {
        parameters: {
            query: {
                /**
                 * @description The job's name; it must be the name of exactly one job the caller sees.
                 * @example CronMetric_RecEff_v2
                 */
                name: components["parameters"]["JobNameQuery"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "job_class_string": "simple_scheduler.jobs.shell_job.ShellJob",
                 *       "name": "CronMetric_RecEff_v2",
                 *       "pub_args": [
                 *         "echo",
                 *         "new args"
                 *       ],
                 *       "trigger": "cron",
                 *       "trigger_params": {
                 *         "minute": "0",
                 *         "hour": "*\/1"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["NdschedulerJobInput"];
            };
        };
        responses: {
            /** @description Modified. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "job_id": "92259991d0d14cc4a3f2b38383f60b70"
                     *     }
                     */
                    "application/json": components["schemas"]["NdschedulerJobId"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
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
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Created; `{"job": …}` (with `warnings` when there is one) for bosun's body, `{"job_id": …}` for NDScheduler's. */
            201: {
                headers: {
                    /** @example /api/v1/jobs/nightly-report */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreatedBody"] | components["schemas"]["NdschedulerJobId"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    deleteJobByName: {
        parameters: {
            query: {
                /**
                 * @description The job's name; it must be the name of exactly one job the caller sees.
                 * @example CronMetric_RecEff_v2
                 */
                name: components["parameters"]["JobNameQuery"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "job_id": "92259991d0d14cc4a3f2b38383f60b70",
                     *       "removed": [
                     *         "92259991d0d14cc4a3f2b38383f60b70"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        job_id: string;
                        removed: string[];
                    };
                };
            };
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
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
            query?: {
                /**
                 * @description `running` (alias `active`) or `paused`; required without a body.
                 * @example paused
                 */
                state?: "running" | "paused" | "active";
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
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "job_class_string": "simple_scheduler.jobs.shell_job.ShellJob",
                 *       "name": "Clean APNs",
                 *       "pub_args": [
                 *         "echo",
                 *         "hello"
                 *       ],
                 *       "trigger": "interval",
                 *       "trigger_params": {
                 *         "interval": 3600
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["NdschedulerJobInput"];
            };
        };
        responses: {
            /** @description The job as changed, `{"job": …}` (`?state=`), or `{"job_id": …}` (NDScheduler's body). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "job_id": "d8f376e858a411e4b6ae22000ac58d05"
                     *     }
                     */
                    "application/json": {
                        job: components["schemas"]["Job"];
                    } | components["schemas"]["NdschedulerJobId"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            404: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
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
    resumeJobNdscheduler: {
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
            /** @description Resumed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "job_id": "d8f376e858a411e4b6ae22000ac58d05"
                     *     }
                     */
                    "application/json": components["schemas"]["NdschedulerJobId"];
                };
            };
            /** @description A CORS preflight, answered with `Allow`; nothing changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
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
        requestBody?: {
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
            /** @description The job changed, `{"job": …}`; or, paused by a PATCH without a body, `{"job_id": …}`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "job_id": "d8f376e858a411e4b6ae22000ac58d05"
                     *     }
                     */
                    "application/json": {
                        job: components["schemas"]["Job"];
                    } | components["schemas"]["NdschedulerJobId"];
                };
            };
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
                /** @description Only this job's runs (no step runs). */
                job_id?: string;
                /** @description Only the step runs of this flow run, every step of it. */
                flow_run_id?: string;
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
    updateJobStatus: {
        parameters: {
            query?: {
                /**
                 * @description Apply the report this many seconds later (Tethys' `?delay=N`).
                 * @example 10
                 */
                delay?: number;
                /** @description `running` (default: progress only), or `succeeded` / `failed` to end the run. */
                status?: "running" | "succeeded" | "failed";
                /** @description A line for the run's log (the error of a failed run). */
                message?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The job's id (Tethys' callback URL names the job, not a run). Another user's job answers 404, as a missing one.
                 * @example 27
                 */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recorded, or scheduled with `delay`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true
                     *     }
                     */
                    "application/json": {
                        success: boolean;
                        /** @description The run reported on; null when the job had none in progress. */
                        run?: components["schemas"]["Run"] | null;
                        /** @description With `delay`, the seconds after which the report is applied. */
                        delay?: number;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            503: components["responses"]["Problem"];
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
                     *         "run_id": "0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7",
                     *         "handler": "command",
                     *         "kwargs": {
                     *           "command": "./report.sh"
                     *         },
                     *         "error_name": "CommandFailed",
                     *         "message": "exit code 2",
                     *         "attempt": 1,
                     *         "failed_at": "2026-02-20T03:30:04.000Z"
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
    listExecutions: {
        parameters: {
            query?: {
                /**
                 * @description From this instant (ISO 8601; UTC when it names no offset); default: ten minutes before the end.
                 * @example 2015-12-19T00:31:50.313Z
                 */
                time_range_start?: components["parameters"]["TimeRangeStart"];
                /**
                 * @description To this instant (ISO 8601; UTC when it names no offset); default: now.
                 * @example 2015-12-19T01:31:50.313Z
                 */
                time_range_end?: components["parameters"]["TimeRangeEnd"];
                /** @description The most rows to answer (1–1000). */
                limit?: components["parameters"]["RangeLimit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The executions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "executions": [
                     *         {
                     *           "execution_id": "7252d7a6-a80f-11e5-8bcc-02ba903740c3",
                     *           "job": {
                     *             "job_id": "bb0dec52797f11e4a14122000a150f89",
                     *             "name": "Poll sendgrid",
                     *             "job_class_string": "command",
                     *             "pub_args": [
                     *               "echo",
                     *               "hi"
                     *             ],
                     *             "trigger": "cron",
                     *             "trigger_params": {
                     *               "minute": "*\/5",
                     *               "hour": "*",
                     *               "day": "*",
                     *               "month": "*",
                     *               "day_of_week": "*"
                     *             },
                     *             "next_run_time": "2015-12-21T18:25:00.000Z"
                     *           },
                     *           "state": "succeeded",
                     *           "status": "succeeded",
                     *           "trigger": "schedule",
                     *           "hostname": "worker-1",
                     *           "pid": -1,
                     *           "task_id": "",
                     *           "description": "",
                     *           "result": {
                     *             "exit_code": 0,
                     *             "stdout_tail": "hi"
                     *           },
                     *           "scheduled_time": "2015-12-21T18:20:00.000Z",
                     *           "updated_time": "2015-12-21T18:20:01.204Z"
                     *         }
                     *       ],
                     *       "truncated": false
                     *     }
                     */
                    "application/json": {
                        executions: components["schemas"]["Execution"][];
                        /** @description More runs matched than `limit`. */
                        truncated: boolean;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
        };
    };
    getExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description An execution's id (a run id) to read it; a job's id to run it.
                 * @example d8f376e858a411e4b6ae22000ac58d05
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The execution. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "execution_id": "7252d7a6-a80f-11e5-8bcc-02ba903740c3",
                     *       "job": {
                     *         "job_id": "bb0dec52797f11e4a14122000a150f89",
                     *         "name": "Poll sendgrid",
                     *         "job_class_string": "noop",
                     *         "pub_args": {},
                     *         "trigger": "interval",
                     *         "trigger_params": {
                     *           "interval": 300
                     *         },
                     *         "next_run_time": ""
                     *       },
                     *       "state": "scheduled",
                     *       "status": "scheduled",
                     *       "trigger": "manual",
                     *       "hostname": "",
                     *       "pid": -1,
                     *       "task_id": "",
                     *       "description": "",
                     *       "result": null,
                     *       "scheduled_time": "2015-12-21T18:20:05.604Z",
                     *       "updated_time": "2015-12-21T18:20:05.604Z"
                     *     }
                     */
                    "application/json": components["schemas"]["Execution"];
                };
            };
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
        };
    };
    runJobNdscheduler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description An execution's id (a run id) to read it; a job's id to run it.
                 * @example d8f376e858a411e4b6ae22000ac58d05
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run started (or waiting for a worker). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "execution_id": "0b6f3c1e-5d7a-4a53-9d4e-2f0e6d3b9a10"
                     *     }
                     */
                    "application/json": {
                        /** Format: uuid */
                        execution_id: string;
                    };
                };
            };
            401: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
        };
    };
    listAuditLogs: {
        parameters: {
            query?: {
                /**
                 * @description From this instant (ISO 8601; UTC when it names no offset); default: ten minutes before the end.
                 * @example 2015-12-19T00:31:50.313Z
                 */
                time_range_start?: components["parameters"]["TimeRangeStart"];
                /**
                 * @description To this instant (ISO 8601; UTC when it names no offset); default: now.
                 * @example 2015-12-19T01:31:50.313Z
                 */
                time_range_end?: components["parameters"]["TimeRangeEnd"];
                /** @description The most rows to answer (1–1000). */
                limit?: components["parameters"]["RangeLimit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The audit logs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "logs": [
                     *         {
                     *           "created_time": "2015-12-19T01:20:23.843Z",
                     *           "description": "0b6f3c1e-5d7a-4a53-9d4e-2f0e6d3b9a10",
                     *           "event": "custom_run",
                     *           "job_id": "5052939245f611e5bef70610a8516d8b",
                     *           "job_name": "Import Data Job",
                     *           "user": "wenbin",
                     *           "audit_id": "42"
                     *         }
                     *       ],
                     *       "truncated": false
                     *     }
                     */
                    "application/json": {
                        logs: {
                            /** Format: date-time */
                            created_time: string;
                            event: string;
                            job_id: string;
                            job_name: string;
                            user: string;
                            description: string;
                            audit_id?: string;
                        }[];
                        truncated: boolean;
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
    createFlow: {
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
                 *       "name": "simplejob",
                 *       "steps": [
                 *         {
                 *           "id": "hoge",
                 *           "handler": "command",
                 *           "kwargs": {
                 *             "command": [
                 *               "sleep",
                 *               "1"
                 *             ]
                 *           }
                 *         },
                 *         {
                 *           "id": "piyo",
                 *           "handler": "command",
                 *           "kwargs": {
                 *             "command": [
                 *               "sleep",
                 *               "3"
                 *             ]
                 *           },
                 *           "waits": [
                 *             "hoge"
                 *           ]
                 *         },
                 *         {
                 *           "id": "fuga",
                 *           "handler": "command",
                 *           "kwargs": {
                 *             "command": [
                 *               "sleep",
                 *               "5"
                 *             ]
                 *           },
                 *           "waits": [
                 *             "hoge"
                 *           ]
                 *         },
                 *         {
                 *           "id": "moga",
                 *           "handler": "command",
                 *           "kwargs": {
                 *             "command": [
                 *               "sleep",
                 *               "2"
                 *             ]
                 *           },
                 *           "waits": [
                 *             "hoge",
                 *             "fuga"
                 *           ],
                 *           "retries": 1,
                 *           "timeout": "10s",
                 *           "retry_delay": "1s",
                 *           "retry_backoff": 3
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["FlowInput"];
            };
        };
        responses: {
            /** @description The flow as stored. */
            201: {
                headers: {
                    /** @description The flow's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        flow: components["schemas"]["Flow"];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
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
    replaceFlow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flow's name. */
                flow_name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "steps": [
                 *         {
                 *           "id": "hoge",
                 *           "handler": "noop"
                 *         },
                 *         {
                 *           "id": "piyo",
                 *           "handler": "noop",
                 *           "waits": [
                 *             "hoge"
                 *           ]
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["FlowInput"];
            };
        };
        responses: {
            /** @description The flow as stored now. */
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
            /** @description The flow, defined by this request. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        flow: components["schemas"]["Flow"];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Problem"];
            403: components["responses"]["HandlerForbidden"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    deleteFlow: {
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
            200: components["responses"]["Removed"];
            401: components["responses"]["Problem"];
            403: components["responses"]["Problem"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
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
                    /** @description With task_names, also run their dependants. */
                    run_subsequent?: boolean;
                    /** @description With run_subsequent, also run dependants that start other flows. */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
                /** @description First run: ISO-8601 or "Mon Feb 20, 14:56" (as dateutil: the current year when none is given; a weekday that disagrees with the date is ignored, and the answer's `warnings` says so), UTC unless `timezone` is set. Omitted: now (one-shot) or one interval from now. A periodic job starts at its first occurrence at or after its creation (a past `when` sets the rhythm; past occurrences are not run). */
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
