import { http } from "@google-cloud/functions-framework";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { FUNCTION } from "./api.ts";
import { machineControllerHandler } from "./http/handler.ts";

http(FUNCTION, machineControllerHandler({ log: jsonLogger() }));
