import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { clusterSettingsFromEnv, clusterSource } from "./cluster.ts";
import { nestedVirt } from "./feature.ts";
import { FEATURE } from "./intent.ts";

const log = jsonLogger();
const cluster = clusterSource(clusterSettingsFromEnv(), log);
http(FEATURE, admissionHandler(nestedVirt(cluster), { log }));
cluster.warm();
