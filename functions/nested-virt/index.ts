import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { clusterSettingsFromEnv, clusterSource } from "./cluster.ts";
import { nestedVirt } from "./feature.ts";
import { FEATURE } from "./intent.ts";

const log = jsonLogger();
const cluster = clusterSource(clusterSettingsFromEnv(), log);
http(FEATURE, admissionHandler(nestedVirt(cluster), { log }));
// Load client-node just after start-up rather than during it: the review that woke the function
// is answered first when it needs no cluster read, and one that does starts the load itself.
setTimeout(() => cluster.warm(), 100).unref();
