import { Box } from "ink";
import { useDashboard } from "../hooks/useDashboard.js";
import { useKeys } from "../hooks/useKeys.js";
import { useTerminalSize } from "../hooks/useTerminalSize.js";
import { AnswerDialog } from "./AnswerDialog.js";
import { CleanupDialog } from "./CleanupDialog.js";
import { DetailPane } from "./DetailPane.js";
import { DiffView } from "./DiffView.js";
import { FilterBar } from "./FilterBar.js";
import { Footer } from "./Footer.js";
import { ConfigError, Header } from "./Header.js";
import { HelpOverlay } from "./HelpOverlay.js";
import { ForgetDialog } from "./ForgetDialog.js";
import { KillDialog } from "./KillDialog.js";
import { LogView } from "./LogView.js";
import { MergeDialog } from "./MergeDialog.js";
import { NewSessionDialog } from "./NewSessionDialog.js";
import { SendDialog } from "./SendDialog.js";
import { SessionTable } from "./SessionTable.js";
import { Toasts } from "./Toasts.js";

/** Lays the screen out; decides nothing. Its height stays below the terminal's rows. */
export function Dashboard() {
  useKeys();
  const { columns, rows } = useTerminalSize();
  const dialog = useDashboard((s) => s.dialog?.kind ?? null);
  const detail = useDashboard((s) => s.detail);
  const filtering = useDashboard((s) => s.dialog?.kind === "filter" || s.filter.text !== "" || s.filter.project !== null);
  const toastCount = useDashboard((s) => s.toasts.length);
  const configError = useDashboard((s) => s.configError !== null);
  // A frame as tall as the terminal makes Ink clear the screen on every frame: stay one short.
  const height = Math.max(6, rows - 1);
  const detailHeight = detail ? Math.min(22, Math.floor(height / 2)) : 0;
  const tableHeight = height - 2 - (filtering ? 1 : 0) - (configError ? 1 : 0) - toastCount - detailHeight;
  const overlay = dialog === "help" || dialog === "log" || dialog === "diff";
  return (
    <Box flexDirection="column" height={height} width={columns - 1}>
      {/* Only the table gives way when space runs short: everything else keeps its lines, or
          Yoga shrinks the dialogs and rows too and their lines draw over each other. */}
      <Box flexDirection="column" flexShrink={0}>
        <Header />
        <ConfigError />
        <FilterBar />
      </Box>
      {/* Clipped only vertically: rows are cut to the width already, and a horizontal clip
          makes Ink slice every line of every frame. */}
      <Box flexDirection="column" flexGrow={1} overflowY="hidden">
        {dialog === "help" && <HelpOverlay width={columns - 1} height={tableHeight + 1} />}
        {dialog === "log" && <LogView height={tableHeight} />}
        {dialog === "diff" && <DiffView width={columns - 1} height={tableHeight + detailHeight} />}
        {!overlay && <SessionTable width={columns} height={tableHeight} />}
      </Box>
      <Box flexDirection="column" flexShrink={0}>
        {dialog === "new" && <NewSessionDialog width={columns} />}
        {dialog === "send" && <SendDialog />}
        {dialog === "answer" && <AnswerDialog />}
        {dialog === "kill" && <KillDialog />}
        {dialog === "forget" && <ForgetDialog />}
        {dialog === "merge" && <MergeDialog />}
        {dialog === "cleanup" && <CleanupDialog width={columns - 1} />}
        {detail && !overlay && <DetailPane width={columns} />}
        <Toasts />
        {/* The help lists every key: the footer's hints would only take a line from it. */}
        {dialog !== "help" && <Footer width={columns} />}
      </Box>
    </Box>
  );
}
